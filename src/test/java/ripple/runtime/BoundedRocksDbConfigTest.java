package ripple.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.apache.kafka.streams.state.internals.BlockBasedTableConfigWithAccessibleCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;
import ripple.testing.TestDrivers;

class BoundedRocksDbConfigTest {
    /** What each store's options held once the setter ran, read back from the options Kafka Streams opens it with. */
    record Applied(Cache cache, WriteBufferManager writeBuffers, boolean indexAndFilterInCache) {
    }

    static final Map<String, Applied> applied = new ConcurrentHashMap<>();

    /** The setter under test, then a look at what it left in the store's options. */
    public static class Recording implements RocksDBConfigSetter {
        private final BoundedRocksDbConfig bounded = new BoundedRocksDbConfig();

        @Override
        public void setConfig(String storeName, Options options, Map<String, Object> configs) {
            bounded.setConfig(storeName, options, configs);
            BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            applied.put(storeName, new Applied(((BlockBasedTableConfigWithAccessibleCache) table).blockCache(),
                    options.writeBufferManager(), table.cacheIndexAndFilterBlocks()));
        }

        @Override
        public void close(String storeName, Options options) {
            bounded.close(storeName, options);
        }
    }

    @Test
    void everyStoreGetsTheOneSharedCacheAndWriteBufferManagerAndClosingStoresKeepsThem(@TempDir Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.table("a", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("store-a"));
        builder.table("b", Consumed.with(Serdes.String(), Serdes.String()),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as("store-b"));
        Properties props = TestDrivers.props("bounded-rocksdb-test", stateDir);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, Recording.class);

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            for (String topic : new String[] {"a", "b"}) {
                TestInputTopic<String, String> in = driver.createInputTopic(topic, Serdes.String().serializer(),
                        Serdes.String().serializer());
                in.pipeInput("k", "v-" + topic);
            }
            // the stores work with the shared cache in place
            assertThat(driver.<String, String>getKeyValueStore("store-a").get("k")).isEqualTo("v-a");
            assertThat(driver.<String, String>getKeyValueStore("store-b").get("k")).isEqualTo("v-b");
        }

        Applied a = applied.get("store-a");
        Applied b = applied.get("store-b");
        assertThat(a).isNotNull();
        assertThat(b).isNotNull();
        assertThat(a.cache()).isNotNull().isSameAs(b.cache());
        assertThat(a.writeBuffers()).isNotNull().isSameAs(b.writeBuffers());
        assertThat(a.indexAndFilterInCache()).isTrue();
        assertThat(b.indexAndFilterInCache()).isTrue();
        assertThat(a.cache().isOwningHandle()).as("the shared cache outlives the stores' close").isTrue();
        assertThat(a.writeBuffers().isOwningHandle()).isTrue();
    }
}
