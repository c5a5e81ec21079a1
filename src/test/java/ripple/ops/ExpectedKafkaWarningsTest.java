package ripple.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedKafkaWarningsTest {

    private final LoggerContext context = new LoggerContext();
    private final Logger networkClient = context.getLogger("org.apache.kafka.clients.NetworkClient");
    private final ExpectedKafkaWarnings filter = new ExpectedKafkaWarnings();

    private static final String RECOVERABLE = "[Consumer clientId=c, groupId=ripple] The metadata response from the "
            + "cluster reported a recoverable issue with correlation id {} : {}";

    @Test
    void streamsInternalTopicsNotYetCreatedAreExpected() {
        assertThat(decide(networkClient, RECOVERABLE, 2, Map.of("ripple-item-activity-repartition", "UNKNOWN_TOPIC_OR_PARTITION",
                "ripple-user-state-changelog", "UNKNOWN_TOPIC_OR_PARTITION"))).isEqualTo(FilterReply.DENY);
    }

    @Test
    void theSameAsKafkaLogsIt() {
        // Kafka's LogContext formats the message itself and passes no parameters
        String formatted = "[Consumer instanceId=ripple-dev-1, clientId=c, groupId=ripple] The metadata response from "
                + "the cluster reported a recoverable issue with correlation id 2 : {ripple-item-activity-repartition="
                + "UNKNOWN_TOPIC_OR_PARTITION, ripple-item-covisits-repartition=UNKNOWN_TOPIC_OR_PARTITION}";
        assertThat(decide(networkClient, formatted)).isEqualTo(FilterReply.DENY);
        assertThat(decide(networkClient, formatted.replace("ripple-item-covisits-repartition", "behavior-events")))
                .isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void aMissingTopicOfTheUsersStillShows() {
        assertThat(decide(networkClient, RECOVERABLE, 2, Map.of("behavior-events", "UNKNOWN_TOPIC_OR_PARTITION",
                "ripple-item-activity-repartition", "UNKNOWN_TOPIC_OR_PARTITION"))).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void aRefusedConnectionStillShows() {
        assertThat(decide(networkClient, "[AdminClient clientId=a] Connection to node {} ({}) could not be established. "
                + "Node may not be available.", -1, "/127.0.0.1:9092")).isEqualTo(FilterReply.NEUTRAL);
    }

    @Test
    void theGlobalHandlerAdviceIsAnswered() {
        Logger streamsConfig = context.getLogger("org.apache.kafka.streams.StreamsConfig");
        assertThat(decide(streamsConfig, "Processing exception handler is not enabled for the GlobalThread. It's "
                + "recommended to set ...")).isEqualTo(FilterReply.DENY);
        assertThat(decide(streamsConfig, "Some other advice")).isEqualTo(FilterReply.NEUTRAL);
    }

    private FilterReply decide(Logger logger, String format, Object... params) {
        return filter.decide(null, logger, Level.WARN, format, params, null);
    }
}
