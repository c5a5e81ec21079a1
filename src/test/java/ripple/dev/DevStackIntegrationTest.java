package ripple.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.DeadLetter;
import ripple.config.RippleConfig;
import ripple.runtime.KafkaSettings;
import ripple.testing.Committed;
import ripple.topics.Topics;

/**
 * What {@code ./ripple dev --events N} does, on free ports: it stops by itself and shows recommendations, twice
 * on one data directory. Then, on that directory's broker, every demo event of both runs has exactly one committed
 * weight update and nothing was dead-lettered.
 */
@Tag("integration")
class DevStackIntegrationTest {
    private static final int FIRST = 400;
    private static final int SECOND = 200;

    @TempDir
    Path dir;

    @Test
    void runsTheWholeStackAndStopsByItselfAfterTheEvents() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        RippleConfig config = RippleConfig.defaultConfig().with("topics.partitions", "2").with("http.port", "0");
        DevStack.Summary s = DevStack.run(config, new DevStack.Options(dir, 0, 0, null, FIRST, null, 400, 100, 60, 42),
                out, false, 0, new AtomicBoolean());
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertThat(s.eventsSent()).isEqualTo(FIRST);
        assertThat(s.recommendations()).isPositive();
        // the events wait for the catalogue, so the lists shown have items in them
        assertThat(shown).contains("schema registry: http://127.0.0.1:")
                .contains("ripple: the catalogue's 60 items embedded").contains("= text");
        assertThat(shown).containsPattern("user u\\d+ \\(top topic: \\w+\\)");
        // the broker's own log goes to a file of its own under the data directory, not to the console
        assertThat(dir.resolve("broker.log")).isNotEmptyFile();
        assertThat(Files.readString(dir.resolve("broker.log"))).contains("KafkaRaftServer");

        // A second start on the same data directory keeps the broker's data and works again: the demo's
        // events are new events, not duplicates of the first run's. The view, positioned before any event is
        // sent, sees this run's lists (one per event, coalescing being off), however late the scorer is.
        DevStack.Summary again = DevStack.run(config, new DevStack.Options(dir, 0, 0, null, SECOND, null, 400, 100, 60, 42),
                out, false, 0, new AtomicBoolean());
        assertThat(again.eventsSent()).isEqualTo(SECOND);
        assertThat(again.recommendations()).as("lists the view saw in the second run").isEqualTo(SECOND);

        try (LocalStack stack = LocalStack.builder(dir.resolve("kafka")).start()) {
            RippleConfig c = config.with("bootstrap.servers", stack.bootstrapServers());
            Topics topics = Topics.create(c, stack.schemaStore());
            Properties client = KafkaSettings.client(c);
            List<BehaviorEvent> events = Committed.await(client, topics.behaviorEvents.name(),
                    topics.behaviorEvents.valueSerde().deserializer(), FIRST + SECOND);
            Set<String> sent = events.stream().map(BehaviorEvent::getEventId).collect(Collectors.toSet());
            assertThat(sent).as("distinct demo events on the events topic").hasSize(FIRST + SECOND);

            Map<String, Integer> updates = new HashMap<>();
            Committed.await(client, topics.weightUpdates.name(), topics.weightUpdates.valueSerde().deserializer(),
                    FIRST + SECOND).forEach(w -> updates.merge(w.getEventId(), 1, Integer::sum));
            Set<String> missing = new TreeSet<>(sent);
            missing.removeAll(updates.keySet());
            assertThat(missing).as("demo events without a weight update").isEmpty();
            assertThat(new TreeMap<>(updates).entrySet().stream().filter(e -> e.getValue() != 1).toList())
                    .as("event ids with other than one weight update").isEmpty();
            assertThat(updates.keySet()).as("weight updates for events never sent").isEqualTo(sent);

            List<DeadLetter> dead = Committed.await(client, topics.deadLetters.name(),
                    topics.deadLetters.valueSerde().deserializer(), 1, Duration.ofSeconds(3), Duration.ZERO);
            assertThat(dead).as("dead letters").extracting(d -> d.getReason() + ": " + d.getDetail()).isEmpty();
        }
    }
}
