# Ripple images, built from this repository. Two final stages:
#   cpu (the default, last below): eclipse-temurin 17 JRE, ONNX Runtime on CPU;
#   gpu: CUDA 12 + cuDNN 9 runtime with a JRE copied in; build it with --build-arg MAVEN_PROFILES=-Pgpu so the jar
#        carries onnxruntime_gpu and the fp32 models (int8 models run poorly on the CUDA provider).
# docker-compose.yml builds both: `ripple` (cpu) and, under the gpu profile, `ripple-gpu`.

# --- build -------------------------------------------------------------------------------------------------------
# Base images are pinned to full versions (DockerComposeRolesTest checks): a rebuild gets the same JDK and Maven.
FROM maven:3.9.9-eclipse-temurin-17 AS build
ARG MAVEN_PROFILES=""
WORKDIR /src
# Dependencies first, in their own layer: it is only rebuilt when pom.xml changes, not on every source edit.
COPY pom.xml .
RUN mvn -B -q ${MAVEN_PROFILES} dependency:go-offline
COPY avro avro
COPY src src
RUN mvn -B -q ${MAVEN_PROFILES} -DskipTests package

# --- gpu runtime -------------------------------------------------------------------------------------------------
# ONNX Runtime 1.21's CUDA provider needs CUDA 12.x and cuDNN 9; the "cudnn" tags of 12.4+ carry cuDNN 9.
FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS gpu
ENV JAVA_HOME=/opt/java/openjdk
ENV PATH="${JAVA_HOME}/bin:${PATH}"
COPY --from=eclipse-temurin:17.0.13_11-jre /opt/java/openjdk /opt/java/openjdk
RUN useradd --system --uid 10001 --home-dir /app ripple
WORKDIR /app
# The jar's manifest names its dependencies as lib/*.jar beside it.
COPY --from=build /src/target/ripple.jar target/ripple.jar
COPY --from=build /src/target/lib target/lib
COPY config config
RUN mkdir -p /app/.ripple && chown ripple /app/.ripple
USER ripple
# Size the heap from the container's memory limit rather than the host's.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-jar", "target/ripple.jar"]
CMD ["run", "--config", "/app/config/application.properties"]

# --- cpu runtime (default) ---------------------------------------------------------------------------------------
FROM eclipse-temurin:17.0.13_11-jre AS cpu
RUN useradd --system --uid 10001 --home-dir /app ripple
WORKDIR /app
COPY --from=build /src/target/ripple.jar target/ripple.jar
COPY --from=build /src/target/lib target/lib
COPY config config
RUN mkdir -p /app/.ripple && chown ripple /app/.ripple
USER ripple
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-jar", "target/ripple.jar"]
CMD ["run", "--config", "/app/config/application.properties"]
