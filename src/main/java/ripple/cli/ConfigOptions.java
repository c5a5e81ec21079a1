package ripple.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import ripple.config.RippleConfig;

/**
 * The options every command that talks to Kafka shares (a picocli mixin). Settings come from the defaults, then the
 * configuration file, then {@code RIPPLE_*} environment variables, then these options: what is typed last wins.
 */
public final class ConfigOptions {

    /** Used when {@code --config} is not given and the file exists, so commands run from the project root just work. */
    static final Path DEFAULT_CONFIG = Path.of("config", "application.properties");

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration file (default: config/application.properties if it exists).")
    Path configFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers; overrides bootstrap.servers.")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema registry URL; overrides schema.registry.url.")
    String registryUrl;

    /** @throws ripple.config.ConfigException naming the setting or file at fault */
    public RippleConfig load() {
        Path file = configFile != null ? configFile : Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
        RippleConfig config = RippleConfig.load(file);
        if (bootstrapServers != null) {
            config = config.with("bootstrap.servers", bootstrapServers, "--bootstrap-servers");
        }
        if (registryUrl != null) {
            config = config.with("schema.registry.url", registryUrl, "--registry-url");
        }
        return config;
    }
}
