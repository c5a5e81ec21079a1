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
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
            CooccurrenceAggregator.STORE, (Serializer) new ByteArraySerializer());

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

    /** What a run left: whether each store is persistent, and each item's counts (serialised) by store and item. */
    private record Stores(Map<String, Boolean> persistent, Map<String, String> counts) {
    }

    private static Stores runWith(RippleConfig config, Path dir) {
        try (ScorerFixture f = new ScorerFixture(config, dir)) {
            run(f);
            Map<String, Boolean> persistent = new LinkedHashMap<>();
            Map<String, String> counts = new LinkedHashMap<>();
            for (String name : STORES) {
                assertThat(f.driver.producedTopicNames()).as("the changelog of " + name)
                        .contains("ripple-test-" + name + "-changelog");
                persistent.put(name, f.driver.getAllStateStores().get(name).persistent());
                KeyValueStore<String, ValueAndTimestamp<Object>> store = f.driver.getTimestampedKeyValueStore(name);
                for (String item : List.of("i0", "i1", "i2")) {
                    ValueAndTimestamp<Object> stamped = store.get(item);
                    counts.put(name + "/" + item, stamped == null ? "null"
                            : Arrays.toString(VALUES.get(name).serialize("", stamped.value())));
                }
            }
            return new Stores(persistent, counts);
        }
    }

    @Test
    void theAggregatesMoveToTheHeapKeepTheirChangelogsAndCountTheSame() {
        Stores byDefault = runWith(ScorerFixture.testConfig(), stateDir.resolve("rocksdb"));
        Stores inMemory = runWith(ScorerFixture.testConfig().with("scoring.by-item-in-memory", "true"),
                stateDir.resolve("memory"));

        assertThat(byDefault.persistent()).containsOnlyKeys(STORES).doesNotContainValue(false);
        assertThat(inMemory.persistent()).containsOnlyKeys(STORES).doesNotContainValue(true);
        assertThat(byDefault.counts().values()).as("every item has counts in both stores").doesNotContain("null");
        assertThat(inMemory.counts()).isEqualTo(byDefault.counts());
    }
}
