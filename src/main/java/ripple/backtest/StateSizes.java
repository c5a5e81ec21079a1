package ripple.backtest;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The stored size of each user's state at the end of a replay, as the user-state store (and so its changelog)
 * holds it: what a deployment pays per user in RocksDB and in the changelog topic.
 */
final class StateSizes {
    private StateSizes() {
    }

    static Map<String, Object> summarise(ReadOnlyKeyValueStore<String, byte[]> users) {
        int[] sizes = new int[16];
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = users.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (n == sizes.length) {
                    sizes = Arrays.copyOf(sizes, 2 * n);
                }
                sizes[n++] = kv.value.length;
            }
        }
        return summarise(Arrays.copyOf(sizes, n));
    }

    /** Count, mean, p50, p95 (nearest rank) and max of the given record sizes. */
    static Map<String, Object> summarise(int[] sizes) {
        int[] sorted = sizes.clone();
        Arrays.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("users", sorted.length);
        out.put("meanBytes", sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(Double.NaN));
        out.put("p50Bytes", nearestRank(sorted, 0.50));
        out.put("p95Bytes", nearestRank(sorted, 0.95));
        out.put("maxBytes", sorted.length == 0 ? 0 : sorted[sorted.length - 1]);
        return out;
    }

    private static int nearestRank(int[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
