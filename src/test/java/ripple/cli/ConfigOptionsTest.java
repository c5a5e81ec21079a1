package ripple.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;

class ConfigOptionsTest {

    @TempDir
    Path dir;

    @Test
    void optionsOverrideTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("app.properties"), """
                bootstrap.servers=file-broker:9092
                schema.registry.url=http://file-registry:8081
                topics.behavior-events=custom-events
                """);

        RippleConfig fromFile = load("--config", file.toString());
        RippleConfig overridden = load("--config", file.toString(), "--bootstrap-servers", "cli-broker:9092",
                "--registry-url", "http://cli-registry:8081");

        assertThat(fromFile.string("bootstrap.servers")).isEqualTo("file-broker:9092");
        assertThat(overridden.string("bootstrap.servers")).isEqualTo("cli-broker:9092");
        assertThat(overridden.string("schema.registry.url")).isEqualTo("http://cli-registry:8081");
        assertThat(overridden.string("topics.behavior-events")).isEqualTo("custom-events");
    }

    @Test
    void aBadRegistryUrlNamesTheSetting() {
        RippleConfig config = load("--registry-url", "ftp://registry");

        assertThatThrownBy(() -> CliSupport.registry(config))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("http or https");
    }

    private static RippleConfig load(String... args) {
        TailCommand command = new TailCommand();
        new CommandLine(command).parseArgs(concat(args, "--topic", "scores"));
        return command.configOptions.load();
    }

    private static String[] concat(String[] args, String... more) {
        String[] all = new String[args.length + more.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }
}
