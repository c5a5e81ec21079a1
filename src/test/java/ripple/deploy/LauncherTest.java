package ripple.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ripple} launcher's first build says what it is doing: it runs the real script against a stand-in
 * {@code mvn} (which "downloads" files and runs build steps) and a stand-in {@code java}, on a copy of the layout.
 */
@DisabledOnOs(OS.WINDOWS)
class LauncherTest {

    @TempDir
    Path dir;

    @Test
    void theFirstBuildShowsWhatItDoesAndThenRuns() throws Exception {
        Path project = Files.createDirectories(dir.resolve("project"));
        Files.copy(Path.of("ripple"), project.resolve("ripple"));
        Files.writeString(project.resolve("pom.xml"), "<project/>");
        Files.createDirectories(project.resolve("src/main"));
        Files.createDirectories(project.resolve("avro"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        executable(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                for i in $(seq 1 60); do echo "Downloaded from repo: https://example.invalid/a$i.jar (1 kB at 1 kB/s)"; done
                echo "[INFO] --- maven-compiler-plugin:3.14.0:compile (default-compile) @ ripple ---"
                echo "[INFO] --- maven-jar-plugin:3.4.2:jar (default-jar) @ ripple ---"
                mkdir -p target && touch target/ripple.jar
                """);
        executable(bin.resolve("java"), "#!/usr/bin/env bash\necho \"java $*\"\n");

        ProcessBuilder builder = new ProcessBuilder("bash", project.resolve("ripple").toString(), "--version");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        Process process = builder.redirectError(dir.resolve("err").toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = Files.readString(dir.resolve("err"));

        assertThat(process.exitValue()).as(err).isZero();
        assertThat(err).contains("first build").contains("300 MB")
                .contains("50 files downloaded so far").contains("60 files downloaded")
                .contains("build step: maven-compiler-plugin compile").contains("build step: maven-jar-plugin jar")
                .contains("built target/ripple.jar");
        assertThat(project.resolve("target/build.log")).content().contains("Downloaded from repo");
        assertThat(out).contains("ripple.jar --version");
    }

    private static void executable(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
