package ripple.topics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
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
import ripple.serde.SerdeSettings;
import ripple.config.ConfigException;
import ripple.features.InfluenceSerde;
import ripple.features.ItemNeighbours;
import ripple.features.ItemNeighboursSerde;
import ripple.features.ItemCatalog;
import ripple.features.ItemSignal;

/** Every topic Ripple reads or writes, with its serdes. Names come from the {@code topics.*} settings. */
public final class Topics {
    /** How long the item signals are kept: long enough for item aggregates that were down for hours to catch up. */
    static final Duration SIGNALS_RETENTION = Duration.ofDays(1);
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
    /**
     * Internal: each scorer task's prior w0, keyed by task, read by every scorer instance as a global store
     * (ripple.scoring.TaskPriors). Encoded as the task's prior store holds it.
     */
    public final Topic<String, byte[]> taskPriors;
    /**
     * Internal: the scorer's item signals (each event, and its co-visits) keyed by item, read by the item aggregates
     * (ripple.scoring.ScoringTopology#byItem), a Kafka Streams application of their own.
     */
    public final Topic<String, ItemSignal> itemSignals;

    private final SerdeSettings serdeSettings;

    private final TopicSettings settings;

    private Topics(TopicSettings t, SchemaRegistry registry) {
        Serde<String> key = Serdes.String();
        SerdeSettings s = t.serde();
        settings = t;
        serdeSettings = s;
        behaviorEvents = new Topic<>(t.behaviorEvents(), key, AvroSerde.of(registry, BehaviorEvent.class, s));
        items = new Topic<>(t.items(), key, AvroSerde.of(registry, Item.class, s));
        itemFeatures = new Topic<>(t.itemFeatures(), key, AvroSerde.of(registry, ItemFeatures.class, s));
        scores = new Topic<>(t.scores(), key, AvroSerde.of(registry, ScoreUpdate.class, s));
        recommendations = new Topic<>(t.recommendations(), key, AvroSerde.of(registry, Recommendations.class, s));
        weightUpdates = new Topic<>(t.weightUpdates(), key, AvroSerde.of(registry, WeightUpdate.class, s));
        deadLetters = new Topic<>(t.deadLetters(), Serdes.ByteArray(), AvroSerde.of(registry, DeadLetter.class, s));
        itemInfluence = new Topic<>(t.itemInfluence(), key, new InfluenceSerde());
        itemNeighbours = new Topic<>(t.itemNeighbours(), key, new ItemNeighboursSerde());
        taskPriors = new Topic<>(t.taskPriors(), key, Serdes.ByteArray());
        userErasure = new Topic<>(t.userErasure(), key, Serdes.ByteArray());
        itemSignals = new Topic<>(t.itemSignals(), key, ItemSignal.serde(internalEvents()));
    }

    public static Topics create(TopicSettings settings, SchemaRegistry registry) {
        return new Topics(settings, registry);
    }

    /** The topics as the configuration names them: {@link TopicSettings#from} then {@link #create(TopicSettings, SchemaRegistry)}. */
    public static Topics create(RippleConfig config, SchemaRegistry registry) {
        return new Topics(TopicSettings.from(config), registry);
    }

    /** The settings these topics were made from: their partitions and replication, for creating them. */
    public TopicSettings settings() {
        return settings;
    }

    /** Behaviour events as the item-signals topic carries them: framed as on the events topic. */
    public Serde<BehaviorEvent> internalEvents() {
        return ((AvroSerde<BehaviorEvent>) behaviorEvents.valueSerde()).writingAs(behaviorEvents.name());
    }

    /**
     * Resolves at start the schemas of the topics this process writes (registering them, or looking them up
     * when it may not register), so that a schema missing from a registry that forbids registration fails now,
     * naming the subject, rather than at the first record; and, when it may register, registers the schemas of
     * its input topics, so that a producer in any language can fetch {@code behavior-events-value} as soon as
     * Ripple is ready.
     *
     * @return the subjects resolved
     * @throws ConfigException naming the subject and the registry's answer
     */
    public List<String> prepareSchemas(boolean scorer, boolean embedder) {
        List<Topic<?, ?>> topics = new java.util.ArrayList<>();
        if (serdeSettings.autoRegister()) {
            topics.add(behaviorEvents);
            topics.add(items);
        }
        if (scorer) {
            topics.addAll(List.of(scores, recommendations, weightUpdates));
        }
        if (embedder) {
            topics.add(itemFeatures);
        }
        topics.add(deadLetters);
        List<String> subjects = new java.util.ArrayList<>();
        for (Topic<?, ?> t : topics) {
            AvroSerde<?> serde = (AvroSerde<?>) t.valueSerde();
            try {
                subjects.add(serde.prepare(t.name()));
            } catch (RuntimeException e) {
                throw new ConfigException(serdeSettings.autoRegister() ? "schema.registry.url"
                        : "schema.registry.auto.register.schemas", "schema of topic '" + t.name() + "' (subject '"
                        + serde.subject(t.name()) + "'): " + e.getMessage());
            }
        }
        return subjects;
    }

    /** Compacted topics: the latest value per key is the state. */
    public List<String> compacted() {
        return List.of(items.name(), itemFeatures.name(), itemInfluence.name(), itemNeighbours.name(),
                taskPriors.name());
    }

    public List<String> all() {
        return List.of(behaviorEvents.name(), items.name(), itemFeatures.name(), scores.name(), recommendations.name(),
                weightUpdates.name(), deadLetters.name(), itemInfluence.name(), itemNeighbours.name(), taskPriors.name(),
                userErasure.name(), itemSignals.name());
    }

    /** How many partitions a topic Ripple creates gets: {@code topics.by-item-partitions} for the item signals. */
    public int partitions(String topic, int otherwise) {
        return topic.equals(itemSignals.name()) ? settings.byItemPartitions() : otherwise;
    }

    /**
     * A topic's settings at creation: compaction where the latest value per key is the state; the item signals
     * are read within a commit interval of the item aggregates and then never again, so they are kept for a day
     * rather than the broker's default week.
     */
    public Map<String, String> configs(String topic) {
        if (compacted().contains(topic)) {
            return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        }
        if (topic.equals(itemSignals.name())) {
            return Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(SIGNALS_RETENTION.toMillis()));
        }
        return Map.of();
    }
}
