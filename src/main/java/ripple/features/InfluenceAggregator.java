package ripple.features;

import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import ripple.avro.BehaviorEvent;
import ripple.features.ItemCatalog.Influence;

/**
 * Counts recent behaviour per item across all users (events re-keyed by item), with time decay, and emits the
 * item's counts so every scorer instance can read them: this is how one user's behaviour moves everyone's scores.
 */
public final class InfluenceAggregator extends ContextualProcessor<String, BehaviorEvent, String, Influence> {
    public static final String STORE = "item-influence-counts";

    private final Decay decay;
    private final InfluenceSerde serde = new InfluenceSerde();
    private KeyValueStore<String, byte[]> counts;

    public InfluenceAggregator(Decay decay) {
        this.decay = decay;
    }

    @Override
    public void init(ProcessorContext<String, Influence> context) {
        super.init(context);
        counts = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, BehaviorEvent> record) {
        String itemId = record.key();
        long ts = record.value().getTimestamp().toEpochMilli();
        Influence old = serde.deserialize(null, counts.get(itemId));
        float[] c = new float[InfluenceGroup.COUNT];
        // A late event counts as if it happened at the item's latest time: decay only moves forward.
        long time = old == null ? ts : Math.max(old.time(), ts);
        if (old != null) {
            double f = decay.factor(old.time(), time);
            for (int g = 0; g < Math.min(c.length, old.counts().length); g++) {
                c[g] = (float) (old.counts()[g] * f);
            }
        }
        c[InfluenceGroup.of(record.value().getType()).ordinal()] += 1f;
        // The category the latest event gave, or the earlier one: the item's own features may still name it.
        String category = record.value().getContext().get("category");
        if (category == null && old != null) {
            category = old.category();
        }
        Influence now = new Influence(c, time, (old == null ? 0f : old.total()) + 1f, category);
        counts.put(itemId, serde.serialize(null, now));
        context().forward(new Record<>(itemId, now, time));
    }
}
