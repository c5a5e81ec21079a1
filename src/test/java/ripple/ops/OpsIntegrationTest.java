package ripple.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.ops.HttpGet.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;
import ripple.dev.registry.KafkaSchemaStore;
import ripple.features.UserState;
import ripple.runtime.KafkaSettings;
import ripple.runtime.RippleRuntime;
import ripple.runtime.Role;
import ripple.scoring.ScorerFixture;
import ripple.testing.Await;
import ripple.testing.LocalStackExtension;

/** The scorer role on a real broker, seen through its HTTP endpoints: health, metrics, users' recommendations. */
@Tag("integration")
class OpsIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    @RegisterExtension
    final LocalStackExtension kafka = new LocalStackExtension();

    @Test
    void healthMetricsAndRecommendationsOfARunningScorer() throws Exception {
        KafkaSchemaStore registry = kafka.schemaStore();
        RippleConfig config = ScorerFixture.testConfig()
                .with("bootstrap.servers", kafka.bootstrapServers())
                .with("application.id", "ripple-ops-" + UUID.randomUUID())
                .with("state.dir", dir.resolve("state").toString())
                .with("commit.interval", "100ms")
                .with("topics.partitions", "2")
                .with("http.port", "0");
        try (RippleRuntime runtime = RippleRuntime.start(config, Role.SCORER, registry)) {
            URI http = runtime.httpUrl();
            assertThat(http.getPort()).isPositive();
            // the schemas of the input topics are registered at start, before any producer wrote
            assertThat(registry.subjects()).contains(config.string("topics.behavior-events") + "-value",
                    config.string("topics.items") + "-value");
            produce(runtime, KafkaSettings.client(config));

            // the body of that same 200: a second request could land in a rebalance and get a 503
            String up = "{\"status\":\"UP\",\"by-item\":\"RUNNING\",\"scorer\":\"RUNNING\"}";
            assertThat(awaitStatus(http, "/health", 200).body()).isEqualTo(up);
            assertThat(get(http, "/health/ready").statusCode()).isEqualTo(200);
            assertThat(get(http, "/health/live").body()).isEqualTo(up);
            JsonNode body = awaitSteps(http, "alice", 2);
            assertThat(body.get("userId").asText()).isEqualTo("alice");
            assertThat(body.get("items")).isNotEmpty();
            assertThat(body.get("items").get(0).get("contributions").has("influence")).isTrue();
            assertThat(get(http, "/users/nobody/recommendations").statusCode()).isEqualTo(404);
            // each task shares its prior on the prior topic, keyed by its partition, once it has learned
            UserState shared = awaitPriorShare(KafkaSettings.client(config), runtime.topics().taskPriors.name());
            assertThat(shared.weights().step).isPositive();

            // the by-item aggregates, an application of their own, counted the events and their counts came back
            // to the scorer's catalogue; alice's two items co-visit
            Await.until(Duration.ofSeconds(60), "the by-item counts in the scorer's catalogue", () ->
                    runtime.catalog().get("i3") != null && runtime.catalog().get("i3").influence() != null
                            && java.util.Arrays.asList(runtime.catalog().get("i2").neighbours().ids()).contains("i1"));

            String metrics = get(http, "/metrics").body();
            assertThat(metrics).contains("ripple_events_total{type=\"CLICK\"} 1.0")
                    .contains("ripple_events_total{type=\"CART\"} 1.0")
                    .contains("kafka_stream_thread_")
                    .containsPattern("kafka_stream_thread_[a-z_]+\\{[^}]*role=\"by-item\"")
                    .contains("jvm_memory_used_bytes");
        }
    }

    /** Fake 8-dim features for five items, then events of two users. */
    private static void produce(RippleRuntime runtime, Properties client) {
        var topics = runtime.topics();
        try (KafkaProducer<String, ItemFeatures> features = new KafkaProducer<>(client, new StringSerializer(),
                topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < 5; i++) {
                features.send(new ProducerRecord<>(topics.itemFeatures.name(), "i" + i, ScorerFixture.features("i" + i, i, "v1")));
            }
        }
        Instant t = Instant.now().minusSeconds(60);
        try (KafkaProducer<String, BehaviorEvent> events = new KafkaProducer<>(client, new StringSerializer(),
                topics.behaviorEvents.valueSerde().serializer())) {
            for (BehaviorEvent e : List.of(
                    ScorerFixture.event("e1", "alice", "i1", BehaviorType.CLICK, t),
                    ScorerFixture.event("e2", "bob", "i3", BehaviorType.PURCHASE, t.plusSeconds(1)),
                    ScorerFixture.event("e3", "alice", "i2", BehaviorType.CART, t.plusSeconds(2)))) {
                events.send(new ProducerRecord<>(topics.behaviorEvents.name(), e.getUserId(), e));
            }
        }
    }

    /** Reads the prior topic (committed records) until a task's share of a prior that learned arrives, at most 60 s. */
    private static UserState awaitPriorShare(Properties client, String topic) {
        Properties props = new Properties();
        props.putAll(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    assertThat(r.key()).isIn("0", "1");
                    UserState prior = UserState.decode(r.value());
                    if (prior.weights().step > 0) {
                        return prior;
                    }
                }
            }
        }
        throw new AssertionError("no task shared a prior that learned on " + topic + " within 60 s");
    }

    /** Polls until the user's recommendations reflect {@code steps} events, at most 60 s. */
    private static JsonNode awaitSteps(URI http, String user, int steps) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = get(http, "/users/" + user + "/recommendations");
            JsonNode body = r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
            if ((body != null && body.get("step").asLong() >= steps) || System.nanoTime() > deadline) {
                assertThat(body).as(r.statusCode() + ": " + r.body()).isNotNull();
                assertThat(body.get("step").asLong()).isEqualTo(steps);
                return body;
            }
            Thread.sleep(200);
        }
    }

    /** Polls until the path answers with the status (the scorer starts, then processes), at most 60 s. */
    private static HttpResponse<String> awaitStatus(URI http, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = get(http, path);
            if (r.statusCode() == status || System.nanoTime() > deadline) {
                assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
                return r;
            }
            Thread.sleep(200);
        }
    }
}
