package ripple.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import ripple.config.ConfigException;
import ripple.embedding.EmbeddingConfigException;

/** The {@code ripple} command. */
@Command(name = "ripple", mixinStandardHelpOptions = true, version = "ripple 0.1.0",
        description = "Real-time behaviour-influence recommendation scoring on Kafka Streams.",
        subcommands = {DevCommand.class, RunCommand.class, ImportCommand.class, TailCommand.class, TopicsCommand.class,
                BacktestCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Main());
        // A bad setting is the user's to fix: one clear line, no stack trace.
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof EmbeddingConfigException) {
                cmd.getErr().println("ripple: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
