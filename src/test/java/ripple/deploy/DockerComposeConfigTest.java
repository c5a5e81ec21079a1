package ripple.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml is valid Compose, with and without the gpu profile. {@code docker-compose config} parses and
 * checks the file without a Docker engine, so this runs anywhere docker-compose is installed (CI installs it).
 */
class DockerComposeConfigTest {

    @Test
    void defaultStackIsValid() throws Exception {
        assertValid();
    }

    @Test
    void gpuProfileIsValid() throws Exception {
        assertValid("--profile", "gpu");
    }

    private static void assertValid(String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "docker-compose.yml"));
        command.addAll(List.of(options));
        command.addAll(List.of("config", "-q"));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            fail("docker-compose is not installed (apt-get install docker-compose; .ci/run installs it): " + e.getMessage());
            return;
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 60 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s\n%s", String.join(" ", command), output).isZero();
    }
}
