package ripple.features;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

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
    /** A record's version, time, self count and number of neighbours ({@link ItemNeighboursSerde}). */
    private static final int HEADER = 1 + 8 + 4 + 2;
    /** A neighbour's id length and count, beside the id's bytes. */
    private static final int ENTRY = 2 + 4;

    private CooccurrenceAggregator() {
    }

    /**
     * {@code old}, an item's counts as {@link ItemNeighboursSerde} writes them (null for none yet), decayed to the
     * visit's time (never backwards) with one more count for {@code other}, in the same layout. Works on the bytes:
     * decoding an item's up to {@code keep} ids into strings and encoding them again, per co-visit, was most of what
     * the by-item aggregates allocated (6.3 KB a co-visit at 60 ids against 1.1 KB on the bytes, and 2.4 against
     * 0.85 µs; up to ten co-visits an event). Each
     * neighbour keeps its position, a newcomer goes last, and the evicted one's place goes to its replacement.
     *
     * @throws SerializationException when {@code old} is not such a record
     */
    public static byte[] add(byte[] old, String other, long at, Decay decay, int keep) {
        byte[] id = other.getBytes(StandardCharsets.UTF_8);
        if (old == null) {
            ByteBuffer b = ByteBuffer.allocate(HEADER + ENTRY + id.length);
            b.put(ItemNeighboursSerde.VERSION).putLong(at).putFloat(1f).putShort((short) 1);
            b.putShort((short) id.length).put(id).putFloat(1f);
            return b.array();
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(old);
            byte version = in.get();
            if (version != ItemNeighboursSerde.VERSION) {
                throw new SerializationException("item neighbours record has unknown version " + version);
            }
            long then = in.getLong();
            long time = Math.max(then, at);
            float f = (float) decay.factor(then, time);
            float self = in.getFloat() * f + 1f;
            int n = in.getShort();
            int[] idAt = new int[n]; // where each neighbour's id lies, after its length
            int found = -1;
            int weakest = 0;
            float weakestCount = Float.NaN;
            for (int i = 0; i < n; i++) {
                int length = in.getShort();
                idAt[i] = in.position();
                if (length == id.length && Arrays.equals(old, idAt[i], idAt[i] + length, id, 0, length)) {
                    found = i;
                }
                in.position(idAt[i] + length);
                float count = in.getFloat() * f;
                if (i == 0 || count < weakestCount) {
                    weakest = i;
                    weakestCount = count;
                }
            }
            if (in.hasRemaining()) {
                throw new SerializationException("item neighbours record has " + in.remaining() + " trailing bytes");
            }
            byte[] out;
            int bump; // the neighbour whose count goes up by one
            if (found >= 0) {
                out = old.clone();
                bump = found;
            } else if (n < keep) {
                out = Arrays.copyOf(old, old.length + ENTRY + id.length);
                ByteBuffer.wrap(out).putShort(HEADER - 2, (short) (n + 1));
                ByteBuffer.wrap(out, old.length, ENTRY + id.length).putShort((short) id.length).put(id).putFloat(0f);
                bump = n;
            } else {
                // Space-saving: the newcomer takes the weakest's place and inherits its count, so a frequent item
                // cannot be starved out.
                out = replaceId(old, idAt[weakest], id);
                bump = weakest;
            }
            ByteBuffer b = ByteBuffer.wrap(out);
            b.putLong(1, time).putFloat(9, self);
            b.position(HEADER);
            for (int i = 0; b.hasRemaining(); i++) {
                b.position(b.position() + 2 + b.getShort(b.position()));
                float count = b.getFloat(b.position()) * f;
                b.putFloat(i == bump ? count + 1f : count);
            }
            return out;
        } catch (RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("item neighbours record of " + old.length + " bytes is malformed", e);
        }
    }

    /**
     * {@code old} with the id at {@code idAt} (after its length) replaced by {@code id}; its count and every other
     * neighbour stay as they were.
     */
    private static byte[] replaceId(byte[] old, int idAt, byte[] id) {
        int length = ByteBuffer.wrap(old).getShort(idAt - 2);
        int countAt = idAt + length;
        byte[] out = new byte[old.length - length + id.length];
        System.arraycopy(old, 0, out, 0, idAt - 2);
        ByteBuffer.wrap(out, idAt - 2, 2 + id.length).putShort((short) id.length).put(id);
        System.arraycopy(old, countAt, out, idAt + id.length, old.length - countAt);
        return out;
    }

    /**
     * The {@code m} largest counts, best first (equal counts by id, so the output is deterministic). An insertion
     * sort of int positions: it runs on at most {@code 2 * neighbours} counts each time an item's aggregate is published
     * (per co-visit, in the replay), and boxed positions under a comparator were most of its cost and a source of JIT
     * deoptimisations in the replay.
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
