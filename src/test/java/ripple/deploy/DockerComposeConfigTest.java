package ripple.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import ripple.testing.ExternalTools;

/**
 * docker-compose.yml is valid Compose under each profile. {@code docker-compose config} (or Docker Desktop's
 * {@code docker compose config}) parses and checks the file without a Docker engine; without either the tests are
 * skipped, and under CI=true they fail. {@link DockerComposeRolesTest} checks what the file says, without Compose.
 */
class DockerComposeConfigTest {

    @Test
    void withoutAProfileItIsValid() throws Exception {
        assertValid();
    }

    @Test
    void cpuProfileIsValid() throws Exception {
        assertValid("--profile", "cpu");
    }

    @Test
    void gpuProfileIsValid() throws Exception {
        assertValid("--profile", "gpu");
    }

    private static void assertValid(String... options) throws Exception {
        List<String> compose = ExternalTools.dockerCompose().orElse(null);
        ExternalTools.require(compose != null, "docker-compose (or Docker's compose plugin)",
                "apt-get install docker-compose, or Docker Desktop");
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-f", "docker-compose.yml"));
        command.addAll(List.of(options));
        command.addAll(List.of("config", "-q"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s\n%s", String.join(" ", command), output).isZero();
    }
}
