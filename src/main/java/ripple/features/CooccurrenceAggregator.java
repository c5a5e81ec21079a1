package ripple.features;

import java.util.Arrays;

/**
 * The by-item half of co-occurrence retrieval: for each item, time-decayed counts of the items users touched close
 * to it, and how often it took part in any pair. Keeps up to {@code 2 * neighbours} counts per item (the weakest
 * goes when a new one arrives, as a space-saving sketch does) and emits the best {@code neighbours} to a compacted
 * topic, which every scorer instance reads as a global store. Counts are raw; the reader normalises them into a
 * cosine with both items' self counts.
 * <p>
 * The topology runs it as a Kafka Streams aggregate over a cached store ({@link #STORE}), so an item's counts reach
 * the changelog, and its best neighbours are chosen and emitted, once per commit instead of once per co-visit
 * (see {@link InfluenceAggregator}).
 */
public final class CooccurrenceAggregator {
    public static final String STORE = "item-cooccurrence-counts";

    private CooccurrenceAggregator() {
    }

    /** {@code old} decayed to the visit's time (never backwards) with one more count for {@code other}. */
    public static ItemNeighbours add(ItemNeighbours old, String other, long at, Decay decay, int keep) {
        if (old == null) {
            return new ItemNeighbours(at, 1f, new String[] {other}, new float[] {1f});
        }
        long time = Math.max(old.time(), at);
        float f = (float) decay.factor(old.time(), time);
        int n = old.size();
        int found = -1;
        int weakest = 0;
        float[] counts = new float[n];
        for (int i = 0; i < n; i++) {
            counts[i] = old.counts()[i] * f;
            if (old.ids()[i].equals(other)) {
                found = i;
            }
            if (counts[i] < counts[weakest]) {
                weakest = i;
            }
        }
        String[] ids = old.ids();
        if (found >= 0) {
            ids = ids.clone();
            counts[found] += 1f;
        } else if (n < keep) {
            ids = Arrays.copyOf(ids, n + 1);
            counts = Arrays.copyOf(counts, n + 1);
            ids[n] = other;
            counts[n] = 1f;
        } else {
            // Space-saving: the newcomer inherits the evicted count, so a frequent item cannot be starved out.
            ids = ids.clone();
            ids[weakest] = other;
            counts[weakest] += 1f;
        }
        return new ItemNeighbours(time, old.selfCount() * f + 1f, ids, counts);
    }

    /**
     * The {@code m} largest counts, best first (equal counts by id, so the output is deterministic). An insertion
     * sort of int positions: it runs per co-visit on at most {@code 2 * neighbours} counts, and boxed positions
     * under a comparator were most of its cost and a source of JIT deoptimisations in the replay.
     */
    public static ItemNeighbours best(ItemNeighbours all, int m) {
        float[] allCounts = all.counts();
        String[] allIds = all.ids();
        int[] order = new int[all.size()];
        for (int i = 0; i < order.length; i++) {
            int j = i;
            while (j > 0 && before(allCounts, allIds, i, order[j - 1])) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = i;
        }
        int n = Math.min(m, order.length);
        String[] ids = new String[n];
        float[] counts = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = allIds[order[i]];
            counts[i] = allCounts[order[i]];
        }
        return new ItemNeighbours(all.time(), all.selfCount(), ids, counts);
    }

    /** Whether position a goes strictly before position b: the larger count, then the smaller id. */
    private static boolean before(float[] counts, String[] ids, int a, int b) {
        int byCount = Float.compare(counts[b], counts[a]);
        return byCount < 0 || byCount == 0 && ids[a].compareTo(ids[b]) < 0;
    }
}
