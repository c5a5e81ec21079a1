package ripple.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import ripple.config.RippleConfig;
import ripple.embedding.ModelSpec;
import ripple.runtime.Role;

/**
 * What docker-compose.yml asks of Ripple, read as Compose would (YAML anchors and merge keys resolved) and each
 * Ripple service's settings resolved as its container would (config/application.properties, then its RIPPLE_*
 * environment): under each profile one embedder and at least one scorer, the scorers accepting every model id the
 * embedder publishes, HTTP reachable from outside the container with a health check, and pinned images, Kafka's
 * at the version of the Kafka jars. No Docker needed.
 */
class DockerComposeRolesTest {
    private static final Path COMPOSE = Path.of("docker-compose.yml");
    private static final Path CONFIG = Path.of("config/application.properties");

    /** One Ripple container: its settings as resolved inside it, and its image. */
    private record RippleService(String name, RippleConfig config, Map<String, Object> spec) {
        Role role() {
            return Role.valueOf(config.nonEmpty("role").toUpperCase(Locale.ROOT));
        }

        boolean gpuBuild() {
            Object build = spec.get("build");
            return build instanceof Map<?, ?> b && b.get("args") instanceof Map<?, ?> args
                    && String.valueOf(args.get("MAVEN_PROFILES")).contains("-Pgpu");
        }

        /** The model ids this service's embedder writes on item-features (see TextEmbedder.open). */
        List<String> publishedModelIds() {
            boolean onGpu = gpuBuild() && config.string("embedding.device").equalsIgnoreCase("gpu");
            return config.list("embedding.model").stream().map(m -> onGpu ? ModelSpec.idOnGpu(m) : m).toList();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws IOException {
        try (Reader r = Files.newBufferedReader(COMPOSE, StandardCharsets.UTF_8)) {
            Map<String, Object> file = new Yaml().load(r);
            return (Map<String, Map<String, Object>>) file.get("services");
        }
    }

    /** The services Compose starts with these profiles: those without profiles, and those in one of them. */
    private static Map<String, Map<String, Object>> active(Set<String> profiles) throws IOException {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        services().forEach((name, spec) -> {
            Object p = spec.get("profiles");
            if (p == null || ((List<?>) p).stream().anyMatch(profiles::contains)) {
                out.put(name, spec);
            }
        });
        return out;
    }

    private static List<RippleService> ripple(Set<String> profiles) throws IOException {
        Map<String, String> file = new LinkedHashMap<>();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(CONFIG, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        p.stringPropertyNames().forEach(k -> file.put(k, p.getProperty(k)));
        List<RippleService> out = new ArrayList<>();
        active(profiles).forEach((name, spec) -> {
            if (String.valueOf(spec.get("image")).startsWith("ripple:")) {
                Map<String, String> env = new LinkedHashMap<>();
                ((Map<?, ?>) spec.getOrDefault("environment", Map.of()))
                        .forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
                out.add(new RippleService(name, RippleConfig.of(file, env), spec));
            }
        });
        return out;
    }

    @Test
    void eachProfileHasOneEmbedderWhoseModelIdsTheScorersAccept() throws IOException {
        for (Set<String> profiles : List.of(Set.of("cpu"), Set.of("gpu"))) {
            List<RippleService> services = ripple(profiles);
            List<RippleService> embedders = services.stream().filter(s -> s.role().embeds()).toList();
            List<RippleService> scorers = services.stream().filter(s -> s.role().scores()).toList();
            assertThat(embedders).as("embedders under %s", profiles).hasSize(1);
            assertThat(scorers).as("scorers under %s", profiles).isNotEmpty();
            for (RippleService scorer : scorers) {
                assertThat(scorer.config().list("features.text.models"))
                        .as("%s's features.text.models under %s", scorer.name(), profiles)
                        .containsAll(embedders.get(0).publishedModelIds());
            }
        }
        assertThat(ripple(Set.of("gpu"))).as("the gpu profile embeds on the GPU")
                .filteredOn(s -> s.role().embeds()).allMatch(RippleService::gpuBuild)
                .allMatch(s -> s.config().string("embedding.device").equals("gpu"));
    }

    @Test
    void rippleHttpIsReachableFromOutsideItsContainerAndChecked() throws IOException {
        for (RippleService s : ripple(Set.of("cpu", "gpu"))) {
            assertThat(s.config().string("http.host")).as(s.name()).isEqualTo("0.0.0.0");
            assertThat(s.spec()).as(s.name()).containsKey("healthcheck");
            assertThat(s.spec().get("healthcheck").toString()).as(s.name())
                    .contains("/health/").contains(s.config().string("http.port"));
            if (s.role().scores()) {
                assertThat((List<?>) s.spec().get("ports")).as(s.name() + " publishes its HTTP port")
                        .anyMatch(p -> String.valueOf(p).endsWith(":" + s.config().string("http.port")));
            }
        }
    }

    @Test
    void imagesArePinnedAndKafkaMatchesTheJars() throws IOException {
        Map<String, Map<String, Object>> all = services();
        for (Map.Entry<String, Map<String, Object>> e : all.entrySet()) {
            String image = String.valueOf(e.getValue().get("image"));
            String tag = image.substring(image.lastIndexOf(':') + 1);
            assertThat(image).as(e.getKey()).contains(":");
            assertThat(tag).as(e.getKey() + " image tag").doesNotContain("latest").matches(".*\\d+\\.\\d+.*");
        }
        java.util.regex.Matcher jars = java.util.regex.Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
                .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(jars.find()).as("pom.xml names kafka.version").isTrue();
        assertThat(String.valueOf(all.get("kafka").get("image"))).isEqualTo("apache/kafka:" + jars.group(1));
    }

    @Test
    void theDockerfilesBaseImagesArePinnedToFullVersions() throws IOException {
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            if (line.startsWith("FROM ") || line.contains("COPY --from=") && line.contains(":")) {
                String image = line.replaceFirst("^FROM\\s+", "").replaceFirst(".*--from=", "").split("\\s")[0];
                String tag = image.substring(image.indexOf(':') + 1);
                assertThat(tag).as(line).matches("\\d+\\.\\d+\\.\\d+.*");
            }
        }
    }
}
