package ripple.dev;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Sends the embedded broker's own logs to a file, as a standalone broker writes {@code server.log}: in
 * {@code ripple dev} they are the broker's business, not the user's, and on the console they drowned Ripple's
 * own lines. Clients' logs (Ripple's producers, consumers, Streams) stay on the console, so "Connection refused"
 * and other client warnings still show.
 */
public final class BrokerLog implements AutoCloseable {

    /** The loggers of broker-side code only; {@code org.apache.kafka.clients} and {@code .common} are shared. */
    static final List<String> BROKER_LOGGERS = List.of("kafka", "state.change.logger",
            "org.apache.kafka.controller", "org.apache.kafka.raft", "org.apache.kafka.metadata",
            "org.apache.kafka.image", "org.apache.kafka.server", "org.apache.kafka.storage",
            "org.apache.kafka.coordinator", "org.apache.kafka.snapshot", "org.apache.kafka.queue",
            "org.apache.kafka.network", "org.apache.kafka.security");

    private final Path file;
    private final FileAppender<ILoggingEvent> appender;
    private final List<Logger> loggers = new ArrayList<>();

    private BrokerLog(Path file, FileAppender<ILoggingEvent> appender) {
        this.file = file;
        this.appender = appender;
    }

    /**
     * Routes the broker's loggers to {@code file} (appended to, INFO and above, as a broker logs by default) until
     * closed. Does nothing but return a handle when logging is not Logback (a library user's own binding).
     */
    public static BrokerLog to(Path file) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return new BrokerLog(file, null);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("[%d{ISO8601}] %-5level [%thread] %logger - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("ripple-broker-log");
        appender.setFile(file.toAbsolutePath().toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        BrokerLog log = new BrokerLog(file, appender);
        for (String name : BROKER_LOGGERS) {
            Logger logger = context.getLogger(name);
            logger.addAppender(appender);
            logger.setAdditive(false);
            logger.setLevel(Level.INFO);
            log.loggers.add(logger);
        }
        return log;
    }

    public Path file() {
        return file;
    }

    /** Gives the loggers back to the console configuration. */
    @Override
    public void close() {
        if (appender == null) {
            return;
        }
        for (Logger logger : loggers) {
            logger.detachAppender(appender);
            logger.setAdditive(true);
            logger.setLevel(null);
        }
        loggers.clear();
        appender.stop();
    }
}
