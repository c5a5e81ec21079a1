package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static ripple.scoring.ScorerFixture.T0;
import static ripple.scoring.ScorerFixture.event;
import static ripple.scoring.ScorerFixture.features;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.features.CooccurrenceAggregator;
import ripple.features.InfluenceAggregator;
import ripple.features.InfluenceSerde;
import ripple.features.ItemNeighboursSerde;

/**
 * {@code scoring.by-item-in-memory}: the by-item aggregates' stores move from RocksDB to the heap, still written to
 * their changelogs, and count the same.
 */
class ByItemInMemorySettingTest {
    private static final List<String> STORES = List.of(InfluenceAggregator.STORE, CooccurrenceAggregator.STORE);
    /** Each store's values as bytes: their records hold arrays, whose toString is an identity. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final Map<String, Serializer<Object>> VALUES = Map.of(
            InfluenceAggregator.STORE, (Serializer) new InfluenceSerde(),
            CooccurrenceAggregator.STORE, (Serializer) new ItemNeighboursSerde());

    @TempDir
    Path stateDir;

    /** Two users, each touching two items in turn, so that every item has influence and co-visits. */
    private static void run(ScorerFixture f) {
        for (int i = 0; i < 3; i++) {
            f.features.pipeInput("i" + i, features("i" + i, i, "v1"));
        }
        f.send(event("e1", "alice", "i0", BehaviorType.CLICK, T0));
        f.send(event("e2", "alice", "i1", BehaviorType.CART, T0.plusSeconds(1)));
        f.send(event("e3", "bob", "i1", BehaviorType.CLICK, T0.plusSeconds(2)));
        f.send(event("e4", "bob", "i2", BehaviorType.PURCHASE, T0.plusSeconds(3)));
    }

    /** Each store's persistence, and its content as strings, by store then item. */
    private static Map<String, Object> stores(ScorerFixture f, Map<String, Boolean> persistent) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : STORES) {
            persistent.put(name, f.driver.getAllStateStores().get(name).persistent());
            KeyValueStore<String, ValueAndTimestamp<Object>> store = f.driver.getTimestampedKeyValueStore(name);
            for (String item : List.of("i0", "i1", "i2")) {
                ValueAndTimestamp<Object> stamped = store.get(item);
                Object value = stamped == null ? null : stamped.value();
                out.put(name + "/" + item, value == null ? "null" : Arrays.toString(VALUES.get(name).serialize("", value)));
            }
        }
        return out;
    }

    private Map<String, Object> runWith(RippleConfig config, Map<String, Boolean> persistent, Path dir) {
        try (ScorerFixture f = new ScorerFixture(config, dir)) {
            run(f);
            for (String name : STORES) {
                assertThat(f.driver.producedTopicNames()).as("the changelog of " + name)
                        .contains("ripple-test-" + name + "-changelog");
            }
            return stores(f, persistent);
        }
    }

    @Test
    void theAggregatesMoveToTheHeapKeepTheirChangelogsAndCountTheSame() {
        Map<String, Boolean> inRocks = new LinkedHashMap<>();
        Map<String, Object> byDefault = runWith(ScorerFixture.testConfig(), inRocks, stateDir.resolve("rocksdb"));
        Map<String, Boolean> onHeap = new LinkedHashMap<>();
        Map<String, Object> inMemory = runWith(ScorerFixture.testConfig().with("scoring.by-item-in-memory", "true"),
                onHeap, stateDir.resolve("memory"));

        assertThat(inRocks).containsOnlyKeys(STORES).doesNotContainValue(false);
        assertThat(onHeap).containsOnlyKeys(STORES).doesNotContainValue(true);
        assertThat(byDefault.values()).as("every item has counts in both stores").doesNotContain("null");
        assertThat(inMemory).isEqualTo(byDefault);
    }
}
