package ripple.topics;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import ripple.avro.BehaviorEvent;
import ripple.avro.DeadLetter;
import ripple.avro.Item;
import ripple.avro.ItemFeatures;
import ripple.avro.Recommendations;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.serde.AvroSerde;
import ripple.serde.SchemaRegistry;
import ripple.features.InfluenceSerde;
import ripple.features.ItemNeighbours;
import ripple.features.ItemNeighboursSerde;
import ripple.features.ItemCatalog;

/** Every topic Ripple reads or writes, with its serdes. Names come from the {@code topics.*} settings. */
public final class Topics {
    public final Topic<String, BehaviorEvent> behaviorEvents;
    public final Topic<String, Item> items;
    public final Topic<String, ItemFeatures> itemFeatures;
    public final Topic<String, ScoreUpdate> scores;
    public final Topic<String, Recommendations> recommendations;
    public final Topic<String, WeightUpdate> weightUpdates;
    /** Keyed by the original record's key bytes, which may not be valid text. */
    public final Topic<byte[], DeadLetter> deadLetters;
    /** Erasure requests: a tombstone keyed by user id. Values are ignored, so any producer can send them. */
    public final Topic<String, byte[]> userErasure;
    /** Internal: decayed behaviour counts per item, read by every scorer instance as a global store. */
    public final Topic<String, ItemCatalog.Influence> itemInfluence;
    /** Internal: each item's co-occurrence neighbours, read by every scorer instance as a global store. */
    public final Topic<String, ItemNeighbours> itemNeighbours;

    private Topics(RippleConfig c, SchemaRegistry registry) {
        Serde<String> key = Serdes.String();
        behaviorEvents = new Topic<>(c.nonEmpty("topics.behavior-events"), key, AvroSerde.of(registry, BehaviorEvent.class));
        items = new Topic<>(c.nonEmpty("topics.items"), key, AvroSerde.of(registry, Item.class));
        itemFeatures = new Topic<>(c.nonEmpty("topics.item-features"), key, AvroSerde.of(registry, ItemFeatures.class));
        scores = new Topic<>(c.nonEmpty("topics.scores"), key, AvroSerde.of(registry, ScoreUpdate.class));
        recommendations = new Topic<>(c.nonEmpty("topics.recommendations"), key, AvroSerde.of(registry, Recommendations.class));
        weightUpdates = new Topic<>(c.nonEmpty("topics.weight-updates"), key, AvroSerde.of(registry, WeightUpdate.class));
        deadLetters = new Topic<>(c.nonEmpty("topics.dead-letters"), Serdes.ByteArray(), AvroSerde.of(registry, DeadLetter.class));
        itemInfluence = new Topic<>(c.nonEmpty("topics.item-influence"), key, new InfluenceSerde());
        itemNeighbours = new Topic<>(c.nonEmpty("topics.item-neighbours"), key, new ItemNeighboursSerde());
        userErasure = new Topic<>(c.nonEmpty("topics.user-erasure"), key, Serdes.ByteArray());
    }

    public static Topics create(RippleConfig config, SchemaRegistry registry) {
        return new Topics(config, registry);
    }

    /** Compacted topics: the latest value per key is the state. */
    public List<String> compacted() {
        return List.of(items.name(), itemFeatures.name(), itemInfluence.name(), itemNeighbours.name());
    }

    public List<String> all() {
        return List.of(behaviorEvents.name(), items.name(), itemFeatures.name(), scores.name(), recommendations.name(),
                weightUpdates.name(), deadLetters.name(), itemInfluence.name(), itemNeighbours.name(), userErasure.name());
    }
}
