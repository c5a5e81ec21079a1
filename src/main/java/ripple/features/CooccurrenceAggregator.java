package ripple.features;

import java.util.Arrays;
import java.util.Comparator;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The by-item half of co-occurrence retrieval: for each item, time-decayed counts of the items users touched close
 * to it, and how often it took part in any pair. Keeps up to {@code 2 * neighbours} counts per item (the weakest
 * goes when a new one arrives, as a space-saving sketch does) and emits the best {@code neighbours} to a compacted
 * topic, which every scorer instance reads as a global store. Counts are raw; the reader normalises them into a
 * cosine with both items' self counts.
 */
public final class CooccurrenceAggregator extends ContextualProcessor<String, CoVisit, String, ItemNeighbours> {
    public static final String STORE = "item-cooccurrence-counts";

    private final Decay decay;
    private final int neighbours;
    private final ItemNeighboursSerde serde = new ItemNeighboursSerde();
    private KeyValueStore<String, byte[]> store;

    public CooccurrenceAggregator(Decay decay, int neighbours) {
        this.decay = decay;
        this.neighbours = neighbours;
    }

    @Override
    public void init(ProcessorContext<String, ItemNeighbours> context) {
        super.init(context);
        store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, CoVisit> record) {
        String item = record.key();
        CoVisit visit = record.value();
        if (item == null || visit == null || item.equals(visit.other())) {
            return;
        }
        ItemNeighbours old = serde.deserialize(null, store.get(item));
        ItemNeighbours kept = add(old, visit.other(), visit.time(), decay, 2 * neighbours);
        store.put(item, serde.serialize(null, kept));
        context().forward(new Record<>(item, best(kept, neighbours), kept.time()));
    }

    /** {@code old} decayed to the visit's time (never backwards) with one more count for {@code other}. */
    static ItemNeighbours add(ItemNeighbours old, String other, long at, Decay decay, int keep) {
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

    /** The {@code m} largest counts, best first (equal counts by id, so the output is deterministic). */
    static ItemNeighbours best(ItemNeighbours all, int m) {
        Integer[] order = new Integer[all.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -all.counts()[i]).thenComparing(i -> all.ids()[i]));
        int n = Math.min(m, order.length);
        String[] ids = new String[n];
        float[] counts = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = all.ids()[order[i]];
            counts[i] = all.counts()[order[i]];
        }
        return new ItemNeighbours(all.time(), all.selfCount(), ids, counts);
    }
}
