package ripple.scoring;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
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
import ripple.features.Decay;
import ripple.features.InfluenceAggregator;
import ripple.features.InfluenceSerde;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighbours;
import ripple.features.ItemNeighboursSerde;
import ripple.features.ItemSignal;
import ripple.metrics.RippleMetrics;
import ripple.topics.Topic;
import ripple.topics.Topics;

/**
 * The scorer: behaviour events in; scores, recommendations, weight updates and dead letters out.
 * <pre>
 * behavior-events (bytes) -> intake (validate, fill defaults, dedupe) -+-> dead-letters
 *                                                                      +-> scoring (user state, learn, top-K) -> scores, recommendations, weight-updates
 *                                                                            +-> events and co-visits by item -> ripple-item-signals
 * ripple-item-signals -> by-item aggregates (an application of their own, see byItem)
 *                          +-> influence counts -> ripple-item-influence
 *                          +-> neighbour counts -> ripple-item-neighbours
 * item-features, ripple-item-influence, ripple-item-neighbours -> global stores -> in-memory item catalog read by scoring
 * user-erasure (tombstones) -> delete the user's state -> tombstone on recommendations
 * </pre>
 */
public final class ScoringTopology {
    /** Decodes an item's co-occurrence aggregate to publish it (stateless). */
    private static final ItemNeighboursSerde NEIGHBOURS = new ItemNeighboursSerde();
    /** The global store of every task's prior, from {@link Topics#taskPriors}. */
    public static final String TASK_PRIORS_STORE = "task-priors-global";
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
        return build(settings, topics, catalog, Wiring.live(metrics));
    }

    /**
     * How a topology is wired apart from its settings: live (RocksDB stores with changelogs, so state survives a
     * restart), or for a replay (key-value stores in memory without changelogs: a replay's state lives and dies
     * with it, and writing RocksDB and changelogs was a tenth of a backtest), with an observer of the scorer's views.
     *
     * @param recommends whether the scorer ranks and publishes the user's top-K after each event; a replay leaves
     *                   it out: nothing reads the lists there, and ranking them was about a third of its time (its
     *                   report measures the top-K churn on a sample of events through its observer instead)
     */
    public record Wiring(RippleMetrics metrics, boolean inMemory, ScoringObserver observer, boolean recommends) {
        public static Wiring live(RippleMetrics metrics) {
            return new Wiring(metrics, false, ScoringObserver.NONE, true);
        }

        public static Wiring replay(ScoringObserver observer) {
            return new Wiring(RippleMetrics.noop(), true, observer, false);
        }

        <K, V> StoreBuilder<KeyValueStore<K, V>> keyValue(String name, Serde<K> keys, Serde<V> values) {
            StoreBuilder<KeyValueStore<K, V>> b = Stores.keyValueStoreBuilder(
                    inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name), keys, values);
            return inMemory ? b.withLoggingDisabled() : b;
        }

        /**
         * An aggregate's store, keyed by item; cached either way, so that it emits once per commit. A replay's is in
         * memory without a changelog; a live one's in RocksDB, or in memory with its changelog when
         * {@code onHeap} ({@code scoring.by-item-in-memory}: its RocksDB reads and writes were a fifth of a paced
         * event's CPU, bench e2e at 20k items).
         */
        <V> Materialized<String, V, KeyValueStore<Bytes, byte[]>> aggregate(String name, Serde<V> values,
                                                                           boolean onHeap) {
            Materialized<String, V, KeyValueStore<Bytes, byte[]>> m = inMemory || onHeap
                    ? Materialized.as(Stores.inMemoryKeyValueStore(name)) : Materialized.as(name);
            if (inMemory) {
                m = m.withLoggingDisabled();
            }
            return m.withKeySerde(Serdes.String()).withValueSerde(values);
        }
    }

    /**
     * The scorer and its by-item aggregates in one topology, joined through the item-signals topic: what a test
     * or a replay's reference path drives in one {@code TopologyTestDriver}, or one application runs. The runtime
     * runs {@link #scorer} and {@link #byItem} as two applications instead.
     */
    public static Topology build(ScoringSettings settings, Topics topics, ItemCatalog catalog, Wiring wiring) {
        StreamsBuilder builder = new StreamsBuilder();
        addScorer(builder, settings, topics, catalog, wiring);
        addByItem(builder, settings, topics, wiring);
        return builder.build();
    }

    /** The scorer alone: its item signals go to the item-signals topic, for {@link #byItem}'s application. */
    public static Topology scorer(ScoringSettings settings, Topics topics, ItemCatalog catalog, Wiring wiring) {
        StreamsBuilder builder = new StreamsBuilder();
        addScorer(builder, settings, topics, catalog, wiring);
        return builder.build();
    }

    /**
     * The by-item aggregates alone, over the item-signals topic. The runtime runs them as a Kafka Streams
     * application of their own ({@code application.id} with {@code -by-item}), committing every
     * {@code scoring.by-item-commit-interval} rather than the scorer's 30 ms: on the scorer's stream thread they
     * took about two fifths of it at half load, most of that flushing their cached stores at each of its commits.
     */
    public static Topology byItem(ScoringSettings settings, Topics topics, Wiring wiring) {
        StreamsBuilder builder = new StreamsBuilder();
        addByItem(builder, settings, topics, wiring);
        return builder.build();
    }

    private static void addScorer(StreamsBuilder builder, ScoringSettings settings, Topics topics, ItemCatalog catalog,
                                  Wiring wiring) {
        RippleMetrics metrics = wiring.metrics();
        // RocksDB even for a replay: Kafka's in-memory window store keeps one map per timestamp, and with the
        // range-fetch dedupe of before its lookups were 41% of a Taobao replay's CPU (JFR)
        builder.addStateStore(IntakeProcessor.dedupeStore(settings.intake().dedupeWindow()));
        // Not cached, measured: users seldom have two events within a commit interval, so a cache saved under 1% of
        // the changelog writes, while the user entries filled Kafka Streams' one cache per thread
        // (statestore.cache.max.bytes), which then evicts (and so writes through) on nearly every put to the
        // prior and the item aggregates: 9.6 records per event with it, 7.3 without (bench e2e, 200k users).
        builder.addStateStore(wiring.keyValue(ScoringProcessor.USER_STORE, Serdes.String(), Serdes.ByteArray()));
        // Not cached either: each task's cache flush at commit cost an exactly-once commit one produce round trip
        // per task, one after another; written through, the prior's record (about 770 bytes, one per event at
        // the default learning.prior-checkpoint-interval) leaves with the event's other output (bench e2e: flush
        // per commit 15.1 -> 6.1 ms, p99 435 -> 179 ms at 200k users).
        builder.addStateStore(wiring.keyValue(ScoringProcessor.PRIOR_STORE, Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(wiring.keyValue(ScoringProcessor.PENDING_STORE, Serdes.String(), Serdes.String()));

        builder.addGlobalStore(wiring.keyValue(CatalogUpdaters.FEATURES_STORE, Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemFeatures.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.features(catalog, topics.itemFeatures.valueSerde().deserializer(),
                        topics.itemFeatures.name()));
        builder.addGlobalStore(wiring.keyValue(CatalogUpdaters.INFLUENCE_STORE, Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemInfluence.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.influence(catalog));
        builder.addGlobalStore(wiring.keyValue(CatalogUpdaters.NEIGHBOURS_STORE, Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.itemNeighbours.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                () -> CatalogUpdaters.neighbours(catalog));

        Topic<String, BehaviorEvent> events = topics.behaviorEvents;
        KStream<String, SpecificRecord> intake = builder
                .stream(events.name(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> intake(settings, topics, metrics), Named.as("intake"), IntakeProcessor.DEDUPE_STORE);
        Map<String, KStream<String, SpecificRecord>> split = intake.split(Named.as("intake-"))
                .branch((k, v) -> v instanceof DeadLetter, Branched.as("rejected"))
                .defaultBranch(Branched.as("valid"));
        KStream<String, BehaviorEvent> valid = split.get("intake-valid").mapValues(v -> (BehaviorEvent) v);

        // Every task learns the prior from its own partitions' events, and ranks with every task's prior together.
        TaskPriors shared = settings.sharesPriors() ? new TaskPriors() : null;
        if (shared != null) {
            builder.addGlobalStore(wiring.keyValue(TASK_PRIORS_STORE, Serdes.String(), Serdes.ByteArray())
                            .withLoggingDisabled(),
                    topics.taskPriors.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()),
                    () -> CatalogUpdaters.updater(TASK_PRIORS_STORE, shared::accept));
        }
        KStream<String, Object> scored = valid.process(() -> scoring(settings, catalog, topics, wiring, shared),
                Named.as("scoring"), ScoringProcessor.USER_STORE, ScoringProcessor.PRIOR_STORE,
                ScoringProcessor.PENDING_STORE);
        // The scorer's item signals (each event, and its co-visits) are keyed by item: to the by-item aggregators,
        // whose counts and neighbour lists every instance reads.
        scored.filter((k, v) -> v instanceof ItemSignal).mapValues(v -> (ItemSignal) v)
                .to(topics.itemSignals.name(), topics.itemSignals.produced());
        to(scored, ScoreUpdate.class, topics.scores);
        to(scored, Recommendations.class, topics.recommendations);
        to(scored, WeightUpdate.class, topics.weightUpdates);
        scored.filter((k, v) -> v instanceof PriorShare).mapValues(v -> ((PriorShare) v).prior())
                .to(topics.taskPriors.name(), topics.taskPriors.produced());

        builder.stream(topics.userErasure.name(), topics.userErasure.consumed())
                .process(() -> new ErasureProcessor(settings.intake().pseudonyms()), Named.as("user-erasure"),
                        ScoringProcessor.USER_STORE)
                .to(topics.recommendations.name(), topics.recommendations.produced());

        split.get("intake-rejected").merge(scored.filter((k, v) -> v instanceof DeadLetter).mapValues(v -> (SpecificRecord) v))
                .map((k, v) -> KeyValue.pair(DeadLetters.originalKey((DeadLetter) v), (DeadLetter) v))
                .to(topics.deadLetters.name(), topics.deadLetters.produced());
    }

    private static void addByItem(StreamsBuilder builder, ScoringSettings settings, Topics topics, Wiring wiring) {
        Decay decay = settings.decay();
        // Both aggregates read one topic, so that they are one sub-topology: under exactly-once each task whose
        // cached aggregates changed costs a commit one produce round trip, one task after another.
        KStream<String, ItemSignal> byItem = builder.stream(topics.itemSignals.name(), topics.itemSignals.consumed());
        // Aggregates over cached stores: an item's counts reach the changelog and the topic once per commit.
        byItem.filter((item, s) -> s.event() != null).mapValues(ItemSignal::event)
                .groupByKey(Grouped.with(Serdes.String(), topics.internalEvents()))
                .aggregate(() -> null, (item, e, old) -> InfluenceAggregator.add(old, e, decay), Named.as("item-influence"),
                        wiring.aggregate(InfluenceAggregator.STORE, new InfluenceSerde(), settings.byItemInMemory()))
                .toStream(Named.as("item-influence-updates"))
                .to(topics.itemInfluence.name(), topics.itemInfluence.produced());
        // A signal's co-visits in one update of the item's aggregate, not one each: an update reads, copies and
        // writes the item's whole list (up to 2 * scoring.neighbours ids) several times over in the cached store.
        byItem.filter(ScoringTopology::hasCoVisit)
                .groupByKey(Grouped.with(Serdes.String(), topics.itemSignals.valueSerde()))
                .aggregate(() -> null, (item, s, old) -> addCoVisits(settings, decay, item, old, s), Named.as("item-cooccurrence"),
                        wiring.aggregate(CooccurrenceAggregator.STORE, Serdes.ByteArray(), settings.byItemInMemory()))
                .toStream(Named.as("item-cooccurrence-updates"))
                .mapValues(kept -> publishedNeighbours(settings, kept), Named.as("item-best-neighbours"))
                .to(topics.itemNeighbours.name(), topics.itemNeighbours.produced());
    }

    // The steps below are the topology's own, named so that a replay driving the processors directly
    // (ripple.backtest.ReplayTopology) runs the same code.

    /** The intake: validate, fill defaults, dedupe. */
    public static IntakeProcessor intake(ScoringSettings settings, Topics topics, RippleMetrics metrics) {
        return new IntakeProcessor(new EventValidator(topics.behaviorEvents.valueSerde().deserializer(), settings.intake()),
                settings.intake().dedupeWindow(), metrics, settings.intake().pseudonyms());
    }

    /** The per-user scoring step. */
    public static ScoringProcessor scoring(ScoringSettings settings, ItemCatalog catalog, Topics topics, Wiring wiring) {
        return scoring(settings, catalog, topics, wiring, null);
    }

    /** The same, ranking with every task's prior as {@code shared} holds them (null: with its own alone). */
    public static ScoringProcessor scoring(ScoringSettings settings, ItemCatalog catalog, Topics topics, Wiring wiring,
                                           TaskPriors shared) {
        return new ScoringProcessor(settings, catalog, topics.behaviorEvents.valueSerde().serializer(), wiring.metrics(),
                wiring.observer(), wiring.recommends(), shared);
    }

    /** Whether a co-visit keyed by {@code item} counts towards its neighbours: never an item with itself. */
    public static boolean countsAsCoVisit(String item, CoVisit v) {
        return item != null && !item.equals(v.other());
    }

    /** Whether a signal keyed by {@code item} has a co-visit that counts towards its neighbours. */
    private static boolean hasCoVisit(String item, ItemSignal s) {
        for (CoVisit v : s.coVisits()) {
            if (countsAsCoVisit(item, v)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The by-item co-occurrence aggregate of {@code item} after each of a signal's co-visits that counts, in turn;
     * {@code old} itself when none counts.
     */
    public static byte[] addCoVisits(ScoringSettings settings, Decay decay, String item, byte[] old, ItemSignal s) {
        byte[] kept = old;
        for (CoVisit v : s.coVisits()) {
            if (countsAsCoVisit(item, v)) {
                kept = addCoVisit(settings, decay, kept, v);
            }
        }
        return kept;
    }

    /**
     * The by-item co-occurrence aggregate after one more co-visit (it keeps twice the neighbours it publishes), as
     * {@link ItemNeighboursSerde} lays it out: the aggregate is updated on its bytes, and decoded only to publish.
     */
    private static byte[] addCoVisit(ScoringSettings settings, Decay decay, byte[] old, CoVisit v) {
        return CooccurrenceAggregator.add(old, v.other(), v.time(), decay, 2 * settings.retrieval().neighbours());
    }

    /** The neighbours an item's aggregate ({@link #addCoVisit}) publishes to the catalogues. */
    public static ItemNeighbours publishedNeighbours(ScoringSettings settings, byte[] kept) {
        return CooccurrenceAggregator.best(NEIGHBOURS.deserialize(null, kept), settings.retrieval().neighbours());
    }

    private static <V extends SpecificRecord> void to(KStream<String, Object> stream, Class<V> type,
                                                      Topic<String, V> topic) {
        stream.filter((k, v) -> type.isInstance(v)).mapValues(type::cast).to(topic.name(), topic.produced());
    }
}
