package ripple.cli;

import java.io.PrintWriter;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import ripple.config.ConfigException;
import ripple.embedding.EmbeddingConfigException;
import ripple.ops.PortInUseException;

/** The {@code ripple} command. */
@Command(name = "ripple", mixinStandardHelpOptions = true, version = "ripple 0.1.0",
        description = "Real-time behaviour-influence recommendation scoring on Kafka Streams.",
        subcommands = {DevCommand.class, RunCommand.class, ImportCommand.class, TailCommand.class, TopicsCommand.class,
                BacktestCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {
    /**
     * Lucene (the text index) warns once, on stderr, that the incubating vector module is on but Java 17 is too old
     * for its own SIMD. The module is on for Ripple's ranking ({@code ripple.scoring.TextDots}), not Lucene's, so the
     * warning is a false alarm. Held here: java.util.logging keeps its loggers only weakly.
     */
    private static final Logger LUCENE_VECTORIZATION = Logger.getLogger("org.apache.lucene.internal.vectorization");

    public static void main(String[] args) {
        LUCENE_VECTORIZATION.setLevel(Level.SEVERE);
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return configure(new CommandLine(new Main())).execute(args);
    }

    /**
     * One line per error the user can fix, no stack trace, and the same exit code for the same kind of error:
     * {@link CliSupport#EXIT_USAGE} for a bad flag or setting, {@link CliSupport#EXIT_FAILURE} for what is wrong
     * outside the command (a port in use).
     */
    static CommandLine configure(CommandLine cli) {
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException || e instanceof EmbeddingConfigException) {
                cmd.getErr().println("ripple " + cmd.getCommandName() + ": " + e.getMessage());
                return CliSupport.EXIT_USAGE;
            }
            if (e instanceof PortInUseException) {
                cmd.getErr().println("ripple " + cmd.getCommandName() + ": " + e.getMessage());
                return CliSupport.EXIT_FAILURE;
            }
            throw e;
        });
        // the error and where to read more, rather than the whole usage text after every typo
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println("ripple " + cmd.getCommandName() + ": " + e.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for the options.");
            err.flush();
            return CliSupport.EXIT_USAGE;
        });
        return cli;
    }
}
