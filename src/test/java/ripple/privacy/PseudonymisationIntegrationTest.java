package ripple.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.runtime.KafkaSettings;
import ripple.runtime.RippleRuntime;
import ripple.runtime.Role;
import ripple.scoring.ScorerFixture;
import ripple.testing.Committed;
import ripple.testing.LocalStackExtension;
import ripple.topics.Topics;

/**
 * Pseudonymisation end to end, on a real broker: raw user ids go into behavior-events (valid events, a dead letter
 * and a key mismatch) and user-erasure, and no raw id comes out in any other topic (outputs, changelogs,
 * repartition topics) or in any log line; the erasure request with the raw id erases the pseudonym's state.
 */
@Tag("integration")
class PseudonymisationIntegrationTest {
    private static final String KEY = "integration-test-hmac-key-0123456789";
    /** Distinctive, so that finding one in any byte string can only mean a leak. */
    private static final List<String> RAW_USERS = List.of("RAWalice7f3q", "RAWbob9k2zz", "RAWcarol4x8w");

    @TempDir
    Path dir;
    @RegisterExtension
    final LocalStackExtension kafka = new LocalStackExtension();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private Level rippleLevel;

    @BeforeEach
    void start() {
        Logger ripple = (Logger) LoggerFactory.getLogger("ripple");
        rippleLevel = ripple.getLevel();
        ripple.setLevel(Level.DEBUG);
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("ripple")).setLevel(rippleLevel);
    }

    @Test
    void noRawUserIdLeavesIntake() throws Exception {
        RippleConfig config = ScorerFixture.testConfig()
                .with("bootstrap.servers", kafka.bootstrapServers())
                .with("application.id", "ripple-privacy-" + UUID.randomUUID())
                .with("state.dir", dir.resolve("state").toString())
                .with("commit.interval", "100ms")
                .with("topics.partitions", "2")
                .with("http.port", "0")
                .with("privacy.pseudonymise", "true")
                .with("privacy.hmac-key", KEY);
        Pseudonyms pseudonyms = Pseudonyms.from(config);
        Properties client = KafkaSettings.client(config);
        Topics topics;
        try (RippleRuntime runtime = RippleRuntime.start(config, Role.SCORER, kafka.schemaStore())) {
            topics = runtime.topics();
            assertThat(runtime.awaitRunning(java.time.Duration.ofSeconds(60))).isTrue();
            ScorerFixture.produceFeatures(client, topics, 4);
            Instant t = Instant.now().minusSeconds(60);
            List<BehaviorEvent> valid = new ArrayList<>();
            for (int n = 0; n < 9; n++) {
                BehaviorEvent e = ScorerFixture.event("ev" + n, RAW_USERS.get(n % 3), "i" + (n % 4),
                        BehaviorType.CLICK, t.plusSeconds(n));
                if (n % 2 == 0) {
                    e.setEventId(null); // derived at intake, from the pseudonym
                }
                valid.add(e);
            }
            BehaviorEvent badDwell = ScorerFixture.event("bad1", RAW_USERS.get(0), "i1", BehaviorType.CLICK, t);
            badDwell.setDwellMs(-1.0);
            BehaviorEvent mismatch = ScorerFixture.event("bad2", RAW_USERS.get(1), "i1", BehaviorType.CLICK, t);
            try (KafkaProducer<String, BehaviorEvent> p = new KafkaProducer<>(client, new StringSerializer(),
                    topics.behaviorEvents.valueSerde().serializer())) {
                valid.forEach(e -> p.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e)));
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), RAW_USERS.get(0), badDwell));
                p.send(new ProducerRecord<>(topics.behaviorEvents.name(), RAW_USERS.get(2), mismatch));
            }
            List<WeightUpdate> updates = Committed.await(client, topics.weightUpdates.name(),
                    topics.weightUpdates.valueSerde().deserializer(), 9);
            assertThat(updates).extracting(WeightUpdate::getUserId).hasSize(9)
                    .containsOnly(RAW_USERS.stream().map(pseudonyms::of).toArray(String[]::new));
            assertThat(Committed.await(client, topics.deadLetters.name(),
                    topics.deadLetters.valueSerde().deserializer(), 2)).hasSize(2)
                    .allSatisfy(d -> assertThat(d.getOriginalValue()).isNull());

            // the query API takes the raw id
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(runtime.httpUrl() + "/users/" + RAW_USERS.get(0) + "/recommendations")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.body()).contains(pseudonyms.of(RAW_USERS.get(0))).doesNotContain(RAW_USERS.get(0));

            // erasure takes the raw id
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(client, new StringSerializer(), new ByteArraySerializer())) {
                p.send(new ProducerRecord<>(topics.userErasure.name(), RAW_USERS.get(0), null));
            }
            List<ConsumerRecord<byte[], byte[]>> recommendations = awaitTombstone(topics.recommendations.name(),
                    pseudonyms.of(RAW_USERS.get(0)));
            assertThat(recommendations).isNotEmpty();
        }

        String changelog = config.string("application.id") + "-" + ripple.scoring.ScoringProcessor.USER_STORE + "-changelog";
        Set<String> all;
        try (Admin admin = Admin.create(client)) {
            all = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
        }
        assertThat(all).contains(changelog);
        List<String> checked = new ArrayList<>();
        for (String topic : all) {
            if (topic.equals(topics.behaviorEvents.name()) || topic.equals(topics.userErasure.name())
                    || topic.equals("_schemas") || topic.startsWith("__")) {
                continue; // the inputs hold raw ids by design; the rest are the broker's and the registry's own
            }
            checked.add(topic);
            for (ConsumerRecord<byte[], byte[]> r : everything(topic)) {
                assertNoRawId(topic + " key", r.key());
                assertNoRawId(topic + " value", r.value());
            }
        }
        assertThat(checked).contains(topics.scores.name(), topics.recommendations.name(), topics.weightUpdates.name(),
                topics.deadLetters.name(), changelog);
        assertThat(everything(changelog)).as("the erased user's state is a tombstone in its changelog")
                .anyMatch(r -> r.value() == null
                        && new String(r.key(), StandardCharsets.UTF_8).equals(pseudonyms.of(RAW_USERS.get(0))));

        assertThat(logs.list).as("log lines were captured").isNotEmpty();
        for (ILoggingEvent line : logs.list) {
            String text = line.getFormattedMessage()
                    + (line.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(line.getThrowableProxy()));
            RAW_USERS.forEach(raw -> assertThat(text).as("log line of %s", line.getLoggerName()).doesNotContain(raw));
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> everything(String topic) {
        // read_uncommitted: aborted transactions count too, they were written to the log
        return kafka.readToEnd(topic);
    }

    private List<ConsumerRecord<byte[], byte[]>> awaitTombstone(String topic, String key)
            throws InterruptedException {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            List<ConsumerRecord<byte[], byte[]>> found = kafka.readToEnd(topic).stream()
                    .filter(r -> r.value() == null && key.equals(new String(r.key(), StandardCharsets.UTF_8))).toList();
            if (!found.isEmpty()) {
                return found;
            }
            Thread.sleep(200);
        }
        return List.of();
    }

    private static void assertNoRawId(String where, byte[] bytes) {
        if (bytes == null) {
            return;
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1); // byte for byte: Avro strings are UTF-8
        RAW_USERS.forEach(raw -> assertThat(text).as(where).doesNotContain(raw));
    }
}
