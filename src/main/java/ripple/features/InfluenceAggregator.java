package ripple.features;

import ripple.avro.BehaviorEvent;
import ripple.features.ItemCatalog.Influence;

/**
 * Counts recent behaviour per item across all users (events re-keyed by item), with time decay, and emits the
 * item's counts so every scorer instance can read them: this is how one user's behaviour moves everyone's scores.
 * <p>
 * The topology runs it as a Kafka Streams aggregate over a cached store ({@link #STORE}): an item's counts reach
 * the store's changelog and the influence topic once per commit with their latest value, not once per event (a
 * flush of the cache, which also happens when it fills up). Under exactly-once nothing is visible before the
 * commit anyway, so readers lose nothing. A TopologyTestDriver (and so a backtest's replay) commits after every
 * record, so there the counts are still emitted after every event.
 */
public final class InfluenceAggregator {
    public static final String STORE = "item-influence-counts";

    private InfluenceAggregator() {
    }

    /** {@code old} (null for an item not seen yet) with one more event, decayed to the item's latest time. */
    public static Influence add(Influence old, BehaviorEvent event, Decay decay) {
        long ts = event.getTimestamp().toEpochMilli();
        float[] c = new float[InfluenceGroup.COUNT];
        // A late event counts as if it happened at the item's latest time: decay only moves forward.
        long time = old == null ? ts : Math.max(old.time(), ts);
        if (old != null) {
            double f = decay.factor(old.time(), time);
            for (int g = 0; g < Math.min(c.length, old.counts().length); g++) {
                c[g] = (float) (old.counts()[g] * f);
            }
        }
        c[InfluenceGroup.of(event.getType()).ordinal()] += 1f;
        // The category the latest event gave, or the earlier one: the item's own features may still name it.
        String category = event.getContext().get("category");
        if (category == null && old != null) {
            category = old.category();
        }
        return new Influence(c, time, (old == null ? 0f : old.total()) + 1f, category);
    }
}
