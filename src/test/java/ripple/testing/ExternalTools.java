package ripple.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Third-party programs some tests run (kcat, Debian's python3 clients, docker-compose, chromium). On a developer's
 * machine a test whose program is missing is skipped, naming it and how to install it; under {@code CI=true} it
 * fails instead, so that CI proves every such test ran (.ci/run installs them and sets CI).
 */
public final class ExternalTools {
    /** Debian's Python, which has python3-confluent-kafka and python3-avro; a pyenv python3 on PATH has neither. */
    public static final String DEBIAN_PYTHON = "/usr/bin/python3";

    private ExternalTools() {
    }

    /** Skips the calling test (or fails it under CI=true) unless {@code present}. */
    public static void require(boolean present, String what, String install) {
        require(present, what, install, ci());
    }

    static void require(boolean present, String what, String install, boolean ci) {
        if (present) {
            return;
        }
        String message = what + " is not installed (" + install + "; .ci/run installs it)";
        if (ci) {
            fail(message + ", and CI=true: tests that need it must run in CI");
        }
        Assumptions.abort("skipped: " + message);
    }

    static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The first of these names that is an executable file, or is one on PATH. */
    public static Optional<String> executable(String... names) {
        for (String name : names) {
            if (name.contains("/")) {
                if (Files.isExecutable(Path.of(name))) {
                    return Optional.of(name);
                }
                continue;
            }
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                    return Optional.of(Path.of(dir, name).toString());
                }
            }
        }
        return Optional.empty();
    }

    /** Whether Debian's python3 imports every module, run from / so that a folder here cannot pass for one. */
    public static boolean debianPythonHas(String... modules) {
        if (executable(DEBIAN_PYTHON).isEmpty()) {
            return false;
        }
        List<String> command = new ArrayList<>(List.of(DEBIAN_PYTHON, "-c"));
        command.add(String.join("; ", java.util.Arrays.stream(modules).map(m -> "import " + m).toList()));
        return succeeds(command, new File("/"));
    }

    /**
     * The command that runs Compose: {@code docker-compose} (Debian's package, or Compose v2's standalone binary),
     * else Docker Desktop's {@code docker compose} plugin; empty when neither answers {@code version}.
     */
    public static Optional<List<String>> dockerCompose() {
        Optional<String> standalone = executable("docker-compose");
        if (standalone.isPresent() && succeeds(List.of(standalone.get(), "version"), null)) {
            return Optional.of(List.of(standalone.get()));
        }
        Optional<String> docker = executable("docker");
        if (docker.isPresent() && succeeds(List.of(docker.get(), "compose", "version"), null)) {
            return Optional.of(List.of(docker.get(), "compose"));
        }
        return Optional.empty();
    }

    private static boolean succeeds(List<String> command, File dir) {
        try {
            Process p = new ProcessBuilder(command).directory(dir).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
