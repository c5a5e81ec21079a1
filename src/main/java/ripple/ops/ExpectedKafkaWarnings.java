package ripple.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Marker;

/**
 * Drops the few Kafka warnings that every normal run of Ripple prints and that ask nothing of the user, so that the
 * console shows what does (a refused connection, a broker gone). Registered in logback.xml. Each is matched
 * narrowly, by logger and message:
 * <ul>
 *   <li>NetworkClient's "recoverable issue" when every topic it names is a Kafka Streams internal topic
 *       ({@code -repartition}, {@code -changelog}): Streams creates them in its first rebalance, moments after the
 *       consumer first asks for them. A user's own topic missing still shows.</li>
 *   <li>NetworkClient's "Attempting to close NetworkClient that has already been closed": a double close in the
 *       embedded broker's own shutdown.</li>
 *   <li>StreamsConfig's advice to enable the global processing exception handler: Ripple enables it in every
 *       application's configuration; Kafka's placeholder configurations for building topologies still print it.</li>
 * </ul>
 */
public final class ExpectedKafkaWarnings extends TurboFilter {

    private static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";
    private static final String STREAMS_CONFIG = "org.apache.kafka.streams.StreamsConfig";
    /** {@code topic=ERROR_CODE} in a formatted map of metadata errors. */
    private static final Pattern TOPIC_ERROR = Pattern.compile("([A-Za-z0-9._-]+)=[A-Z_]+");

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (format == null || level != Level.WARN) {
            return FilterReply.NEUTRAL;
        }
        String name = logger.getName();
        if (name.equals(NETWORK_CLIENT)) {
            if (format.contains("Attempting to close NetworkClient that has already been closed")) {
                return FilterReply.DENY;
            }
            if (format.contains("reported a recoverable issue") && onlyInternalTopics(format, params)) {
                return FilterReply.DENY;
            }
        } else if (name.equals(STREAMS_CONFIG)
                && format.startsWith("Processing exception handler is not enabled for the GlobalThread")) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }

    /**
     * Kafka's client loggers (LogContext) format the message themselves and pass no parameters, so the topics are
     * read from the text, {@code ... : {topic=ERROR, topic=ERROR}}; a logger that does pass them passes the map.
     */
    private static boolean onlyInternalTopics(String format, Object[] params) {
        if (params != null) {
            for (Object p : params) {
                if (p instanceof Map<?, ?> errors && !errors.isEmpty()) {
                    return errors.keySet().stream().allMatch(topic -> topic instanceof String s && internal(s));
                }
            }
        }
        int map = format.lastIndexOf(" : {");
        if (map < 0) {
            return false;
        }
        Matcher m = TOPIC_ERROR.matcher(format.substring(map));
        boolean any = false;
        while (m.find()) {
            if (!internal(m.group(1))) {
                return false;
            }
            any = true;
        }
        return any;
    }

    private static boolean internal(String topic) {
        return topic.endsWith("-repartition") || topic.endsWith("-changelog");
    }
}
