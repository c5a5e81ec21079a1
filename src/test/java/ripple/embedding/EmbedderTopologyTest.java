package ripple.embedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static ripple.embedding.EmbedderFixture.T0;
import static ripple.embedding.EmbedderFixture.item;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.DeadLetter;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.embedding.EmbedderFixture.FakeEmbedder;
import ripple.serde.WireFormat;

/** The embedder topology with a fake model: batching, linger, skipping, tombstones and bad input. */
class EmbedderTopologyTest {
    @TempDir
    Path stateDir;
    private final FakeEmbedder model = new FakeEmbedder("0123456789abcdef");
    private EmbedderFixture f;

    private EmbedderFixture start(int batchSize) {
        f = new EmbedderFixture(EmbedderFixture.config(batchSize), model, stateDir);
        return f;
    }

    @AfterEach
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    @Test
    void aFullBatchIsEmbeddedInOneCallWithoutWaitingForTheLinger() {
        start(3);
        f.send(item("a", "Red dress", "clothing"));
        f.send(item("b", "Blue jeans", "clothing"));
        assertThat(f.features.isEmpty()).isTrue();

        f.send(item("c", "Hiking boots", "shoes"));

        Map<String, ItemFeatures> out = f.features.readKeyValuesToMap();
        assertThat(out).containsOnlyKeys("a", "b", "c");
        assertThat(model.calls).containsExactly(3);
        ItemFeatures c = out.get("c");
        assertThat(c.getItemId()).isEqualTo("c");
        assertThat(c.getModelId()).isEqualTo("fake-model");
        assertThat(c.getModelVersion()).isEqualTo(model.version());
        assertThat(c.getCategory()).isEqualTo("shoes");
        assertThat(c.getComputedAt()).isEqualTo(T0);
        assertThat(c.getTextHash()).hasSize(64);
        assertThat(norm(c.getEmbedding())).isCloseTo(1.0, within(1e-6));
        assertThat(f.metrics.embedded()).isEqualTo(3);
        assertThat(f.metrics.batches()).isEqualTo(1);
    }

    @Test
    void aPartialBatchIsEmbeddedWhenTheLingerExpires() {
        start(32);
        f.send(item("a", "Red dress", "clothing"));
        f.send(item("b", "Blue jeans", "clothing"));
        assertThat(f.features.isEmpty()).isTrue();

        f.linger();

        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a", "b");
        assertThat(model.calls).containsExactly(2);
        f.linger();
        assertThat(model.calls).as("nothing pending, no call").containsExactly(2);
    }

    @Test
    void manyPendingItemsAreEmbeddedInBatchesOfAtMostBatchSize() {
        start(4);
        // two items per record key: the batch fills only with distinct items, newer text replacing older
        for (int i = 0; i < 3; i++) {
            f.send(item("i" + i, "first title " + i, null));
            f.send(item("i" + i, "second title " + i, null));
        }
        f.linger();

        List<KeyValue<String, ItemFeatures>> out = f.features.readKeyValuesToList();
        assertThat(out).hasSize(3);
        assertThat(model.calls).containsExactly(3);
        assertThat(f.metrics.embedded()).isEqualTo(3);
    }

    @Test
    void unchangedTextIsNotEmbeddedAgainButAChangedTitleIs() {
        start(1);
        Item original = item("a", "Red dress", "clothing");
        f.send(original);
        ItemFeatures first = f.features.readValue();

        // only the update time changed: same text, nothing to embed
        f.send(Item.newBuilder(original).setUpdatedAt(T0.plusSeconds(60)).build());
        f.linger();
        assertThat(f.features.isEmpty()).isTrue();
        assertThat(f.metrics.skippedUnchanged()).isEqualTo(1);

        f.send(Item.newBuilder(original).setTitle("Red summer dress").build());
        ItemFeatures second = f.features.readValue();
        assertThat(second.getTextHash()).isNotEqualTo(first.getTextHash());
        assertThat(second.getEmbedding()).isNotEqualTo(first.getEmbedding());
        assertThat(model.calls).containsExactly(1, 1);
    }

    @Test
    void aChangeUndoneBeforeTheFlushLeavesThePublishedFeaturesAlone() {
        start(8);
        Item original = item("a", "Red dress", "clothing");
        f.send(original);
        f.linger();
        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a");

        f.send(Item.newBuilder(original).setTitle("Green dress").build());
        f.send(original);
        f.linger();

        assertThat(f.features.isEmpty()).as("the pending change was dropped, not embedded").isTrue();
        assertThat(model.calls).containsExactly(1);
    }

    @Test
    void aDeletedItemDeletesItsFeaturesAndIsForgotten() {
        start(1);
        Item a = item("a", "Red dress", "clothing");
        f.send(a);
        f.features.readValue();

        f.items.pipeInput("a", null);
        TestRecord<String, ItemFeatures> tombstone = f.features.readRecord();
        assertThat(tombstone.key()).isEqualTo("a");
        assertThat(tombstone.value()).isNull();

        // forgotten: the same text again is a new item and is embedded again
        f.send(a);
        assertThat(f.features.readValue().getItemId()).isEqualTo("a");
        assertThat(model.calls).containsExactly(1, 1);
    }

    @Test
    void aDeletedPendingItemIsNeverEmbedded() {
        start(8);
        f.send(item("a", "Red dress", "clothing"));
        f.items.pipeInput("a", null);
        f.linger();

        assertThat(f.features.readRecord().value()).isNull();
        assertThat(f.features.isEmpty()).isTrue();
        assertThat(model.calls).isEmpty();
    }

    @Test
    void emptyAndOversizedTextGoToDeadLettersAndTheNextItemFlows() {
        start(1);
        f.send(Item.newBuilder().setItemId("empty").setTitle("  ").setTags(List.of(" ")).setUpdatedAt(T0).build());
        f.send(item("huge", "x".repeat(10_001), null));
        f.send(item("good", "Red dress", "clothing"));

        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).extracting(DeadLetter::getReason).containsExactly("EMPTY_TEXT", "OVERSIZED_TEXT");
        assertThat(dead.get(1).getDetail()).contains(TextModelSettings.MAX_TEXT_CHARS);
        assertThat(dead.get(0).getSourceTopic()).isEqualTo(f.topics.items.name());
        assertThat(dead.get(0).getOriginalKey()).isEqualTo(ByteBuffer.wrap("empty".getBytes(StandardCharsets.UTF_8)));
        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("good");
        assertThat(f.metrics.deadLettered()).isEqualTo(2);
    }

    @Test
    void undecodableRecordsGoToDeadLettersWithTheSerdesReason() {
        start(1);
        byte[] key = "a".getBytes(StandardCharsets.UTF_8);
        f.rawItems.pipeInput(key, new byte[] {1, 2, 3, 4, 5, 6});
        f.rawItems.pipeInput(key, WireFormat.frame(9999, new byte[] {2, 'a'}));
        f.rawItems.pipeInput(key, new byte[] {0, 0});
        f.rawItems.pipeInput(null, f.topics.items.valueSerde().serializer()
                .serialize(f.topics.items.name(), item("a", "Red dress", null)));
        f.rawItems.pipeInput(new byte[] {(byte) 0xff, (byte) 0xfe}, new byte[] {0});
        f.rawItems.pipeInput("b".getBytes(StandardCharsets.UTF_8), f.topics.items.valueSerde().serializer()
                .serialize(f.topics.items.name(), item("a", "Red dress", null)));
        f.send(item("good", "Red dress", "clothing"));

        List<KeyValue<byte[], DeadLetter>> dead = f.deadLetters.readKeyValuesToList();
        assertThat(dead).extracting(kv -> kv.value.getReason()).containsExactly(
                "BAD_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "MALFORMED_BYTES", "NULL_KEY", "MALFORMED_BYTES", "KEY_MISMATCH");
        assertThat(dead.get(0).key).isEqualTo(key);
        assertThat(dead.get(0).value.getOriginalValue().array()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(dead.get(0).value.getErrorClass()).isEqualTo("ripple.serde.SerdeException");
        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("good");
    }

    @Test
    void aPoisonItemIsDeadLetteredAndTheRestOfItsBatchGetsFeatures() {
        start(3);
        Item poison = item("p", "POISON pill", null);
        f.send(item("a", "Red dress", "clothing"));
        f.send(poison);
        f.send(item("c", "Hiking boots", "shoes"));

        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a", "c");
        List<DeadLetter> dead = f.deadLetters.readValuesToList();
        assertThat(dead).hasSize(1);
        DeadLetter d = dead.get(0);
        assertThat(d.getReason()).isEqualTo("EMBEDDING_FAILED");
        assertThat(d.getErrorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(d.getSourceTopic()).isEqualTo(f.topics.items.name());
        assertThat(d.getOffset()).isEqualTo(1);
        byte[] original = f.topics.items.valueSerde().serializer().serialize(f.topics.items.name(), poison);
        assertThat(d.getOriginalValue()).isEqualTo(ByteBuffer.wrap(original));
        // the failed batch, then each item alone
        assertThat(model.calls).containsExactly(3, 1, 1, 1);

        // the poison item is no longer pending: later batches do not trip over it
        f.send(item("d", "Coffee grinder", null));
        f.linger();
        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("d");
        assertThat(model.calls).containsExactly(3, 1, 1, 1, 1);
    }

    @Test
    void truncatedTextsAreCounted() {
        start(2);
        f.send(item("a", "LONG description of a dress", null));
        f.send(item("b", "short", null));

        assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a", "b");
        assertThat(f.metrics.truncated()).isEqualTo(1);
        assertThat(f.metrics.embedded()).isEqualTo(2);
    }

    @Test
    void theApplicationIdFollowsTheEmbedderVersion() {
        String v1 = EmbedderTopology.applicationId("ripple", "0123456789abcdef");
        assertThat(v1).isEqualTo("ripple-embedder-0123456789ab");
        assertThat(EmbedderTopology.applicationId("ripple", "0123456789abcdef")).isEqualTo(v1);
        assertThat(EmbedderTopology.applicationId("ripple", "fedcba9876543210")).isNotEqualTo(v1);
        assertThat(EmbedderTopology.applicationId("ripple", "my model/v2")).isEqualTo("ripple-embedder-my_model_v2");
    }

    @Test
    void settingsComeFromTheConfigurationAndBadOnesNameTheKey() {
        EmbedderSettings s = EmbedderSettings.from(RippleConfig.defaultConfig()
                .with("embedding.model", "bge-small-zh, minilm-en").with("embedding.max-text-chars", "500"));
        assertThat(s.batchSize()).isEqualTo(32);
        assertThat(s.linger()).hasMillis(100);
        assertThat(s.maxTextChars()).isEqualTo(500);
        assertThat(s.models()).extracting(m -> m.model().modelId()).containsExactly("bge-small-zh", "minilm-en");

        assertThatThrownBy(() -> EmbedderSettings.from(
                        RippleConfig.defaultConfig().with("embedding.batch-size", "0")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("embedding.batch-size"));
        assertThatThrownBy(() -> EmbedderSettings.from(
                        RippleConfig.defaultConfig().with("embedding.model", "bge-small-zh,minilm-en,bge-small-zh")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("embedding.model"));
        assertThatThrownBy(() -> EmbedderSettings.from(
                        RippleConfig.defaultConfig().with("embedding.model", "bge-small-zh,nonesuch")))
                .isInstanceOfSatisfying(EmbeddingConfigException.class,
                        e -> assertThat(e.setting()).isEqualTo("embedding.model"));
    }

    @Test
    void aPendingItemSurvivesEncoding() {
        PendingItem p = new PendingItem("items", 2, 42, 7, new byte[] {1}, new byte[] {0, 9},
                new ItemText("红色连衣裙\n服装", null), "服装", "h".repeat(64));
        PendingItem back = PendingItem.decode(p.encode());
        assertThat(back.text()).isEqualTo(p.text());
        assertThat(back.key()).containsExactly(1);
        assertThat(back.value()).containsExactly(0, 9);
        assertThat(List.of(back.topic(), back.partition(), back.offset(), back.timestamp(), back.category(), back.textHash()))
                .isEqualTo(List.of("items", 2, 42L, 7L, "服装", "h".repeat(64)));
    }

    private static double norm(List<Float> v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
