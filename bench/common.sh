# Sourced by the benchmark scripts, from the repository root: compiles the tests, writes the test dependencies'
# class path (only when the pom changed since it was last written), and sets what every benchmark JVM needs.
mvn -B -o -q test-compile
if [[ ! -s target/bench-classpath.txt || pom.xml -nt target/bench-classpath.txt ]]; then
  mvn -B -o -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
fi
# the dependencies alone: a script that compares builds supplies each build's own classes
BENCH_DEPENDENCIES=$(cat target/bench-classpath.txt)
BENCH_JVM_FLAGS=(--add-modules jdk.incubator.vector
  -Dorg.apache.avro.SERIALIZABLE_PACKAGES=ripple.avro,java.lang,java.util,java.math,java.time)
