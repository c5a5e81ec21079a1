package ripple.scoring;

import java.time.Duration;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import ripple.avro.BehaviorEvent;
import ripple.avro.DeadLetter;
import ripple.avro.Recommendations;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.events.DeadLetters;
import ripple.events.EventValidator;
import ripple.events.IntakeProcessor;
import ripple.features.CatalogUpdaters;
import ripple.features.CoVisit;
import ripple.features.CooccurrenceAggregator;
import ripple.features.InfluenceAggregator;
import ripple.features.ItemCatalog;
import ripple.ops.RippleMetrics;
import ripple.topics.Topic;
import ripple.topics.Topics;

/**
 * The scorer: behaviour events in; scores, recommendations, weight updates and dead letters out.
 * <pre>
 * behavior-events (bytes) -> intake (validate, fill defaults, dedupe) -+-> dead-letters
 *                                                                      +-> scoring (user state, learn, top-K) -> scores, recommendations, weight-updates
 *                                                                      |     +-> co-visits by item -> neighbour counts -> ripple-item-neighbours
 *                                                                      +-> by item -> influence counts -> ripple-item-influence
 * item-features, ripple-item-influence, ripple-item-neighbours -> global stores -> in-memory item catalog read by scoring
 * user-erasure (tombstones) -> delete the user's state -> tombstone on recommendations
 * </pre>
 */
public final class ScoringTopology {
    private ScoringTopology() {
    }

    public static Topology build(ScoringSettings settings, Topics topics) {
        return build(settings, topics, settings.newCatalog());
    }

    /** With a given catalog, so that a caller (a backtest, a test) can look into it. */
    public static Topology build(ScoringSettings settings, Topics topics, ItemCatalog catalog) {
        return build(settings, topics, catalog, RippleMetrics.noop());
    }

    /** With the meters the intake and scoring processors record to (the runtime's, or a test's). */
    public static Topology build(ScoringSettings settings, Topics topics, ItemCatalog catalog, RippleMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        Duration window = settings.dedupeWindow();
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(IntakeProcessor.DEDUPE_STORE, IntakeProcessor.retention(window),
                        window.isZero() ? Duration.ofMillis(1) : window, false),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ScoringProcessor.USER_STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ScoringProcessor.PRIOR_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(InfluenceAggregator.STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ScoringProcessor.PENDING_STORE), Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CooccurrenceAggregator.STORE), Serdes.String(), Serdes.ByteArray()));

        builder.addGlobalStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CatalogUpdaters.FEATURES_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemFeatures.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.features(catalog, topics.itemFeatures.valueSerde().deserializer(),
                        topics.itemFeatures.name()));
        builder.addGlobalStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CatalogUpdaters.INFLUENCE_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemInfluence.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.influence(catalog));
        builder.addGlobalStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(CatalogUpdaters.NEIGHBOURS_STORE), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemNeighbours.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.neighbours(catalog));

        Topic<String, BehaviorEvent> events = topics.behaviorEvents;
        KStream<String, SpecificRecord> intake = builder
                .stream(events.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new IntakeProcessor(new EventValidator(events.valueSerde().deserializer(), settings),
                        window, metrics, settings.pseudonyms()), Named.as("intake"), IntakeProcessor.DEDUPE_STORE);
        Map<String, KStream<String, SpecificRecord>> split = intake.split(Named.as("intake-"))
                .branch((k, v) -> v instanceof DeadLetter, Branched.as("rejected"))
                .defaultBranch(Branched.as("valid"));
        KStream<String, BehaviorEvent> valid = split.get("intake-valid").mapValues(v -> (BehaviorEvent) v);

        valid.selectKey((user, e) -> e.getItemId())
                .repartition(Repartitioned.with(Serdes.String(), topics.internalEvents()).withName("item-activity"))
                .process(() -> new InfluenceAggregator(settings.decay()), Named.as("item-influence"),
                        InfluenceAggregator.STORE)
                .to(topics.itemInfluence.name(), topics.itemInfluence.produced());

        KStream<String, Object> scored = valid.process(
                () -> new ScoringProcessor(settings, catalog, events.valueSerde().serializer(), metrics),
                Named.as("scoring"), ScoringProcessor.USER_STORE, ScoringProcessor.PRIOR_STORE,
                ScoringProcessor.PENDING_STORE);
        // Co-visits are keyed by item: to the by-item aggregator, whose neighbour lists every instance reads.
        scored.filter((k, v) -> v instanceof CoVisit).mapValues(v -> (CoVisit) v)
                .repartition(Repartitioned.with(Serdes.String(), CoVisit.serde()).withName("item-covisits"))
                .process(() -> new CooccurrenceAggregator(settings.decay(), settings.retrieval().neighbours()),
                        Named.as("item-cooccurrence"), CooccurrenceAggregator.STORE)
                .to(topics.itemNeighbours.name(), topics.itemNeighbours.produced());
        to(scored, ScoreUpdate.class, topics.scores);
        to(scored, Recommendations.class, topics.recommendations);
        to(scored, WeightUpdate.class, topics.weightUpdates);

        builder.stream(topics.userErasure.name(), topics.userErasure.consumed())
                .process(() -> new ErasureProcessor(settings.pseudonyms()), Named.as("user-erasure"),
                        ScoringProcessor.USER_STORE)
                .to(topics.recommendations.name(), topics.recommendations.produced());

        split.get("intake-rejected").merge(scored.filter((k, v) -> v instanceof DeadLetter).mapValues(v -> (SpecificRecord) v))
                .map((k, v) -> KeyValue.pair(DeadLetters.originalKey((DeadLetter) v), (DeadLetter) v))
                .to(topics.deadLetters.name(), topics.deadLetters.produced());
        return builder.build();
    }

    private static <V extends SpecificRecord> void to(KStream<String, Object> stream, Class<V> type,
                                                      Topic<String, V> topic) {
        stream.filter((k, v) -> type.isInstance(v)).mapValues(type::cast).to(topic.name(), topic.produced());
    }
}
