package ripple.runtime;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the off-heap memory of every RocksDB store in this JVM. By default Kafka Streams gives each store its
 * own block cache and memtables, so memory grows with the number of stores times tasks (a scorer with 6 tasks
 * opens dozens of RocksDB instances, window segments included). Here all stores share ONE block cache, and their
 * memtables are charged to that same cache through ONE write buffer manager, so the total stays near
 * {@link #totalBytes()}: 256 MiB unless {@link #configure(long)} or the system property {@value #TOTAL_BYTES_PROPERTY}
 * says otherwise, up to half of it for memtables. Index and filter blocks live in the cache too (otherwise they
 * sit outside any bound, and grow with the data), at high priority so data blocks are evicted first.
 *
 * <p>Use with {@code rocksdb.config.setter=ripple.runtime.BoundedRocksDbConfig}; Kafka Streams creates one instance
 * per store, hence the static shared objects.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {
    public static final String TOTAL_BYTES_PROPERTY = "ripple.rocksdb.memory.bytes";
    static final long DEFAULT_TOTAL_BYTES = 256L << 20;
    /**
     * Share of the total the memtables may take. Past it, every store that writes flushes a memtable, however
     * small: at a quarter, a scorer's 35 or so stores flushed about 2,200 to 2,600 memtables (452 KB on average) in
     * one {@code bench e2e} (2026-12-05), in bursts of over 100 a second, and some stores then stopped writes while
     * their Kafka-made offsets column family (at most two memtables) waited for its flush: the episodes behind the
     * exactly-once p99's misses. At half: 460 flushes and no stop. The memtables are charged to the one cache, so
     * this bounds their part of it rather than adding memory.
     */
    static final double WRITE_BUFFER_SHARE = 0.5;
    /** Share of the cache kept for index and filter blocks (its high-priority pool). */
    static final double INDEX_FILTER_SHARE = 0.1;

    private static long configuredBytes;
    private static Shared shared;

    private record Shared(long totalBytes, Cache cache, WriteBufferManager writeBuffers) {
    }

    /**
     * Sets the total before any store opens. Once stores share the objects, changing the size would need new
     * ones, and stores opened earlier would keep the old: so a different size then is refused.
     */
    public static synchronized void configure(long totalBytes) {
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("RocksDB memory must be positive, got " + totalBytes);
        }
        if (shared != null && shared.totalBytes != totalBytes) {
            throw new IllegalStateException("RocksDB memory is already bounded at " + shared.totalBytes
                    + " bytes; configure it before any store opens");
        }
        configuredBytes = totalBytes;
    }

    /** The bound the stores share: what {@link #configure(long)} set, else the system property, else 256 MiB. */
    public static synchronized long totalBytes() {
        if (shared != null) {
            return shared.totalBytes;
        }
        if (configuredBytes > 0) {
            return configuredBytes;
        }
        String property = System.getProperty(TOTAL_BYTES_PROPERTY);
        if (property == null || property.isBlank()) {
            return DEFAULT_TOTAL_BYTES;
        }
        long bytes;
        try {
            bytes = Long.parseLong(property.trim());
        } catch (NumberFormatException e) {
            bytes = 0;
        }
        if (bytes <= 0) {
            throw new IllegalArgumentException("system property " + TOTAL_BYTES_PROPERTY
                    + ": expected a positive number of bytes, got '" + property + "'");
        }
        return bytes;
    }

    private static synchronized Shared shared() {
        if (shared == null) {
            long total = totalBytes();
            RocksDB.loadLibrary();
            // not strict: a full cache evicts rather than failing reads and writes
            Cache cache = new LRUCache(total, -1, false, INDEX_FILTER_SHARE);
            shared = new Shared(total, cache, new WriteBufferManager((long) (total * WRITE_BUFFER_SHARE), cache));
        }
        return shared;
    }

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        Shared s = shared();
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(s.cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        // the top level of partitioned indexes and filters stays pinned, so a lookup never waits to reload it
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(s.writeBuffers);
    }

    /** The cache and write buffer manager are shared by every store in the JVM: closing one store keeps them. */
    @Override
    public void close(String storeName, Options options) {
    }
}
