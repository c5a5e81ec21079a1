package ripple.embedding;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import ripple.avro.DeadLetter;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;

/** The embedder topology in a TopologyTestDriver, with typed input and output topics. */
final class EmbedderFixture implements AutoCloseable {
    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    final Topics topics;
    final EmbedderSettings settings;
    final EmbedderMetrics metrics = new EmbedderMetrics();
    final TopologyTestDriver driver;
    final TestInputTopic<String, Item> items;
    final TestInputTopic<byte[], byte[]> rawItems;
    final TestOutputTopic<String, ItemFeatures> features;
    final TestOutputTopic<byte[], DeadLetter> deadLetters;

    EmbedderFixture(RippleConfig config, ItemEmbedder embedder, Path stateDir) {
        this.topics = Topics.create(config, registry);
        this.settings = EmbedderSettings.from(config);
        Properties props = TestDrivers.props(
                EmbedderTopology.applicationId("ripple-test", embedder.version()), stateDir);
        driver = new TopologyTestDriver(EmbedderTopology.build(settings, topics, embedder, metrics), props, T0);
        items = driver.createInputTopic(topics.items.name(), Serdes.String().serializer(),
                topics.items.valueSerde().serializer(), T0, Duration.ZERO);
        rawItems = driver.createInputTopic(topics.items.name(), new ByteArraySerializer(), new ByteArraySerializer());
        features = driver.createOutputTopic(topics.itemFeatures.name(), Serdes.String().deserializer(),
                topics.itemFeatures.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(topics.deadLetters.name(), Serdes.ByteArray().deserializer(),
                topics.deadLetters.valueSerde().deserializer());
    }

    /** Defaults with the given batch size and a 100 ms linger. */
    static RippleConfig config(int batchSize) {
        return RippleConfig.defaultConfig().with("embedding.batch-size", Integer.toString(batchSize))
                .with("embedding.linger", "100ms");
    }

    static Item item(String id, String title, String category) {
        return Item.newBuilder().setItemId(id).setTitle(title).setCategory(category).setUpdatedAt(T0).build();
    }

    void send(Item item) {
        items.pipeInput(item.getItemId(), item);
    }

    /** Lets the linger punctuation fire. */
    void linger() {
        driver.advanceWallClockTime(settings.linger());
    }

    @Override
    public void close() {
        driver.close();
    }

    /**
     * A deterministic stand-in for the model: 4 dims from the text's hash, not normalised (the topology
     * must do it), truncated when the text contains "LONG", and failing on any text containing "POISON".
     */
    static final class FakeEmbedder implements ItemEmbedder {
        final List<Integer> calls = new ArrayList<>();
        private final String version;

        FakeEmbedder(String version) {
            this.version = version;
        }

        @Override
        public List<ItemEmbedding> embed(List<ItemText> texts) {
            calls.add(texts.size());
            List<ItemEmbedding> out = new ArrayList<>();
            for (ItemText t : texts) {
                if (t.text().contains("POISON")) {
                    throw new IllegalStateException("the model cannot take '" + t.text() + "'");
                }
                int h = t.text().hashCode();
                float[] v = {1 + (h & 7), 2 + (h >> 3 & 7), 3, 4};
                out.add(new ItemEmbedding(v, "fake-model", version, t.declaredLanguage(), t.text().contains("LONG")));
            }
            return out;
        }

        @Override
        public String version() {
            return version;
        }
    }
}
