package ripple.scoring;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.DeadLetter;
import ripple.avro.ItemFeatures;
import ripple.avro.Recommendations;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;

/** The scoring topology in a TopologyTestDriver, with typed input and output topics; its helpers serve other packages' tests too. */
public final class ScorerFixture implements AutoCloseable {
    public static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    final RippleConfig config;
    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final Topics topics;
    final ItemCatalog catalog;
    final TopologyTestDriver driver;
    final TestInputTopic<String, BehaviorEvent> events;
    final TestInputTopic<byte[], byte[]> rawEvents;
    final TestInputTopic<String, ItemFeatures> features;
    final TestOutputTopic<String, ScoreUpdate> scores;
    final TestOutputTopic<String, Recommendations> recommendations;
    final TestOutputTopic<String, WeightUpdate> weightUpdates;
    final TestOutputTopic<byte[], DeadLetter> deadLetters;

    ScorerFixture(RippleConfig config, Path stateDir) {
        this.config = config;
        this.topics = Topics.create(config, registry);
        ScoringSettings settings = ScoringSettings.from(config);
        this.catalog = settings.newCatalog();
        driver = new TopologyTestDriver(ScoringTopology.build(settings, topics, catalog),
                TestDrivers.props("ripple-test", stateDir), T0);
        events = driver.createInputTopic(topics.behaviorEvents.name(), Serdes.String().serializer(),
                topics.behaviorEvents.valueSerde().serializer(), T0, java.time.Duration.ZERO);
        rawEvents = driver.createInputTopic(topics.behaviorEvents.name(), new ByteArraySerializer(), new ByteArraySerializer());
        features = driver.createInputTopic(topics.itemFeatures.name(), Serdes.String().serializer(),
                topics.itemFeatures.valueSerde().serializer());
        scores = driver.createOutputTopic(topics.scores.name(), Serdes.String().deserializer(),
                topics.scores.valueSerde().deserializer());
        recommendations = driver.createOutputTopic(topics.recommendations.name(), Serdes.String().deserializer(),
                topics.recommendations.valueSerde().deserializer());
        weightUpdates = driver.createOutputTopic(topics.weightUpdates.name(), Serdes.String().deserializer(),
                topics.weightUpdates.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters.name(), Serdes.ByteArray().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    public static RippleConfig testConfig() {
        return RippleConfig.defaultConfig().with("features.text.dims", "8").with("features.text.models", "test-model");
    }

    public static BehaviorEvent event(String id, String user, String item, BehaviorType type, Instant ts) {
        return BehaviorEvent.newBuilder().setEventId(id).setUserId(user).setItemId(item).setType(type)
                .setTimestamp(ts).setScenario("ecommerce").setContext(Map.of()).build();
    }

    /** An embedding for an item: a unit vector along one axis, plus a little of the next. */
    public static ItemFeatures features(String item, int axis, String version) {
        List<Float> e = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            e.add(i == axis ? 0.9f : i == (axis + 1) % 8 ? 0.43588989f : 0f);
        }
        return ItemFeatures.newBuilder().setItemId(item).setModelId("test-model").setModelVersion(version)
                .setEmbedding(e).setComputedAt(T0).setCategory("c" + axis).build();
    }

    /** Produces item features for items i0..i{n-1}, one axis each, to a real broker's item-features topic. */
    public static void produceFeatures(java.util.Properties client, ripple.topics.Topics topics, int n) {
        try (org.apache.kafka.clients.producer.KafkaProducer<String, ItemFeatures> features =
                     new org.apache.kafka.clients.producer.KafkaProducer<>(client,
                             new org.apache.kafka.common.serialization.StringSerializer(),
                             topics.itemFeatures.valueSerde().serializer())) {
            for (int i = 0; i < n; i++) {
                features.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topics.itemFeatures.name(), "i" + i,
                        features("i" + i, i % 8, "v1")));
            }
        }
    }

    void send(BehaviorEvent e) {
        events.pipeInput(e.getUserId(), e, e.getTimestamp());
    }

    @Override
    public void close() {
        driver.close();
    }
}
