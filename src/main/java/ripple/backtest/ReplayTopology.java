package ripple.backtest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import ripple.avro.BehaviorEvent;
import ripple.avro.DeadLetter;
import ripple.avro.ItemFeatures;
import ripple.avro.ScoreUpdate;
import ripple.avro.WeightUpdate;
import ripple.events.IntakeProcessor;
import ripple.features.CatalogUpdaters;
import ripple.features.ItemSignal;
import ripple.features.Decay;
import ripple.features.InfluenceAggregator;
import ripple.features.InfluenceSerde;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighboursSerde;
import ripple.scoring.ScoringObserver;
import ripple.scoring.ScoringProcessor;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.scoring.TaskPriors;
import ripple.topics.Topics;

/**
 * The scoring topology's replay wiring driven without a TopologyTestDriver: the topology's own intake and scoring
 * processors, aggregators and catalogue updaters ({@link ScoringTopology}'s named steps), called for each event in
 * the order the driver calls them (intake, scoring, then the by-item aggregates, whose updates reach the catalogue
 * before the next event), on hash-map stores.
 *
 * <p>Left out is what the driver does that no replay figure depends on, which was most of a replay's time
 * outside the scorer (JFR): serialising every output to its topic and every repartitioned record back, a regex
 * match per output record, a commit and a cache flush per record. The event itself still enters as bytes
 * (the intake validates bytes), and the aggregates and catalogue updates still go through their serdes, as in the
 * topology. Outputs come back as objects, and only what a replay reads is kept: whether the scorer scored the
 * event, dead letters, weight updates. {@code FastReplayTest} keeps the figures equal to the driver's.
 */
final class ReplayTopology {
    private final Topics topics;
    private final ScoringSettings settings;
    private final Decay decay;
    private final Serializer<BehaviorEvent> eventSerializer;
    private final MockProcessorContext<String, SpecificRecord> intakeContext = new MockProcessorContext<>();
    private final IntakeProcessor intake;
    /** The scorer's tasks, one per emulated partition ({@code backtest.tasks}). */
    private final Task[] tasks;
    private final Processor<String, byte[], Void, Void> features;
    private final Processor<String, byte[], Void, Void> influence;
    private final Processor<String, byte[], Void, Void> neighbours;
    /**
     * Every task's users: a task only ever reads and writes the users routed to it, so one store serves them all
     * as one per task would.
     */
    private final MapStore<byte[]> users = new MapStore<>(ScoringProcessor.USER_STORE);
    /** The aggregates' stores, serialised as the topology's are. */
    private final Map<String, byte[]> influenceAggregates = new HashMap<>();
    private final Map<String, byte[]> cooccurrenceAggregates = new HashMap<>();
    private final InfluenceSerde influenceSerde = new InfluenceSerde();
    private final ItemNeighboursSerde neighboursSerde = new ItemNeighboursSerde();
    /** Items whose co-occurrence aggregate changed during the current event, in order of their last change. */
    private final Set<String> changedNeighbours = new LinkedHashSet<>();
    private final Outputs outputs = new Outputs();
    private long offset;

    /** What piping one event gave; reused from event to event. */
    static final class Outputs {
        /** Whether the scorer scored the event (a score update came out): not a duplicate, not a dead letter. */
        boolean scored;
        int deadLetters;
        final List<WeightUpdate> weightUpdates = new ArrayList<>();
    }

    /**
     * The scorer ranks no top-K after an event ({@link ScoringTopology.Wiring#replay}): an observer that wants one
     * ranks it from the views it is shown.
     *
     * @param tasks how many scorer tasks to emulate: each has its own scoring processor and prior (and text query
     *              cache), and an event goes to the task of its key's partition, as in a live scorer whose events
     *              topic has that many partitions
     */
    ReplayTopology(ScoringSettings settings, Topics topics, ItemCatalog catalog, ScoringObserver observer, int tasks) {
        this.settings = settings;
        this.topics = topics;
        this.decay = settings.decay();
        this.eventSerializer = topics.behaviorEvents.valueSerde().serializer();
        ScoringTopology.Wiring wiring = ScoringTopology.Wiring.replay(observer);
        // as the driver's clock: the wall-clock time the replay started, never advanced (so no wall-clock
        // punctuation fires, as in the driver)
        long now = System.currentTimeMillis();
        intakeContext.setCurrentSystemTimeMs(now);
        intakeContext.addStateStore(new DedupeStore(IntakeProcessor.DEDUPE_STORE,
                IntakeProcessor.retention(settings.intake().dedupeWindow()).toMillis()));
        // The global stores are read only on a restart, which a replay never has: they keep nothing.
        MockProcessorContext<Void, Void> global = new MockProcessorContext<>();
        global.addStateStore(new MapStore<byte[]>(CatalogUpdaters.FEATURES_STORE, false));
        global.addStateStore(new MapStore<byte[]>(CatalogUpdaters.INFLUENCE_STORE, false));
        global.addStateStore(new MapStore<byte[]>(CatalogUpdaters.NEIGHBOURS_STORE, false));
        intake = ScoringTopology.intake(settings, topics, wiring.metrics());
        this.tasks = new Task[tasks];
        // As live tasks do, every task learns a prior from its own users and ranks with all of them together; here
        // each shares its prior after every event, where a live one shares it every learning.prior-share-interval.
        TaskPriors shared = tasks > 1 && settings.sharesPriors() ? new TaskPriors() : null;
        for (int t = 0; t < tasks; t++) {
            this.tasks[t] = new Task(t, ScoringTopology.scoring(settings, catalog, topics, wiring, shared), users, now);
        }
        features = CatalogUpdaters.features(catalog, topics.itemFeatures.valueSerde().deserializer(),
                topics.itemFeatures.name());
        influence = CatalogUpdaters.influence(catalog);
        neighbours = CatalogUpdaters.neighbours(catalog);
        features.init(global);
        influence.init(global);
        neighbours.init(global);
        intake.init(intakeContext);
    }

    /** One scorer task: its processor, and the stores it has to itself. */
    private static final class Task {
        final int partition;
        final MockProcessorContext<String, Object> context;
        final MapStore<byte[]> priors = new MapStore<>(ScoringProcessor.PRIOR_STORE);
        final ScoringProcessor scoring;

        Task(int partition, ScoringProcessor scoring, MapStore<byte[]> users, long now) {
            this.partition = partition;
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "ripple-backtest");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            this.context = new MockProcessorContext<>(config, new TaskId(0, partition), null);
            this.scoring = scoring;
            context.setCurrentSystemTimeMs(now);
            context.addStateStore(users);
            context.addStateStore(priors);
            context.addStateStore(new MapStore<String>(ScoringProcessor.PENDING_STORE));
            scoring.init(context);
        }
    }

    /** The task of a user: the partition the producer's default partitioner gives the user's key. */
    static int taskOf(String userId, int tasks) {
        return tasks == 1 ? 0 : BuiltInPartitioner.partitionForKey(userId.getBytes(StandardCharsets.UTF_8), tasks);
    }

    private Task task(String userId) {
        return tasks[taskOf(userId, tasks.length)];
    }

    KeyValueStore<String, byte[]> users() {
        return users;
    }

    /** The prior store of the user's task. */
    KeyValueStore<String, byte[]> priorsOf(String userId) {
        return task(userId).priors;
    }

    /** Every task's prior store, in task order. */
    List<KeyValueStore<String, byte[]>> priors() {
        List<KeyValueStore<String, byte[]>> out = new ArrayList<>(tasks.length);
        for (Task t : tasks) {
            out.add(t.priors);
        }
        return out;
    }

    /** An item's features, as the item-features topic's global store hands them to the catalogue. */
    void pipeFeatures(ItemFeatures f) {
        byte[] value = topics.itemFeatures.valueSerde().serializer().serialize(topics.itemFeatures.name(), f);
        features.process(new Record<>(f.getItemId(), value, 0L));
    }

    /** One event through the scorer, keyed by its user, at {@code timestamp}; what came out. */
    Outputs pipe(BehaviorEvent e, long timestamp) {
        outputs.scored = false;
        outputs.deadLetters = 0;
        outputs.weightUpdates.clear();
        String topic = topics.behaviorEvents.name();
        intakeContext.setRecordMetadata(topic, 0, offset);
        byte[] key = e.getUserId() == null ? null : e.getUserId().getBytes(StandardCharsets.UTF_8);
        intake.process(new Record<>(key, eventSerializer.serialize(topic, e), timestamp, new RecordHeaders()));
        for (MockProcessorContext.CapturedForward<? extends String, ? extends SpecificRecord> f : intakeContext.forwarded()) {
            Record<? extends String, ? extends SpecificRecord> r = f.record();
            if (r.value() instanceof DeadLetter) {
                outputs.deadLetters++;
            } else {
                score(new Record<>(r.key(), (BehaviorEvent) r.value(), r.timestamp(), r.headers()), topic);
            }
        }
        intakeContext.resetForwards();
        offset++;
        return outputs;
    }

    private void score(Record<String, BehaviorEvent> event, String topic) {
        Task task = task(event.key());
        MockProcessorContext<String, Object> scoringContext = task.context;
        scoringContext.setRecordMetadata(topic, task.partition, offset);
        task.scoring.process(event);
        task.scoring.sharePrior();
        for (MockProcessorContext.CapturedForward<? extends String, ?> f : scoringContext.forwarded()) {
            Record<? extends String, ?> r = f.record();
            Object v = r.value();
            if (v instanceof ScoreUpdate) {
                outputs.scored = true;
            } else if (v instanceof WeightUpdate w) {
                outputs.weightUpdates.add(w);
            } else if (v instanceof DeadLetter) {
                outputs.deadLetters++;
            } else if (v instanceof ItemSignal s) {
                aggregate(r.key(), s, event.timestamp());
            }
        }
        scoringContext.resetForwards();
        // The driver publishes an aggregate after every co-visit; the catalogue keeps only the latest list, and
        // nothing reads it before the next event, so each changed one is published once, with its latest value.
        for (String changed : changedNeighbours) {
            byte[] kept = cooccurrenceAggregates.get(changed);
            byte[] published = kept == null ? null
                    : neighboursSerde.serialize(null, ScoringTopology.publishedNeighbours(settings, kept));
            neighbours.process(new Record<>(changed, published, event.timestamp()));
        }
        changedNeighbours.clear();
    }

    /** The by-item aggregates after one of the scorer's item signals, as the live item-signals topic feeds them. */
    private void aggregate(String item, ItemSignal s, long timestamp) {
        if (s.event() != null) {
            byte[] old = influenceAggregates.get(item);
            byte[] updated = influenceSerde.serialize(null, InfluenceAggregator.add(
                    old == null ? null : influenceSerde.deserialize(null, old), s.event(), decay));
            put(influenceAggregates, item, updated);
            influence.process(new Record<>(item, updated, timestamp));
        }
        byte[] old = cooccurrenceAggregates.get(item);
        byte[] kept = ScoringTopology.addCoVisits(settings, decay, item, old, s);
        if (kept != old) {
            put(cooccurrenceAggregates, item, kept);
            changedNeighbours.remove(item);
            changedNeighbours.add(item);
        }
    }

    /** A null aggregate deletes the key, as a key-value store's put does. */
    private static void put(Map<String, byte[]> store, String key, byte[] value) {
        if (value == null) {
            store.remove(key);
        } else {
            store.put(key, value);
        }
    }

    /**
     * A key-value store on a hash map, for one replay: no serdes, no sorted map. {@link #all()} returns the
     * entries in the order of an in-memory Kafka store (keys by their UTF-8 bytes), so that a summary summed over
     * the entries adds them in the same order.
     */
    /** What both replay stores share: a name, nothing to open or close, and nothing persisted. */
    private abstract static class InMemoryStore implements StateStore {
        private final String name;

        InMemoryStore(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void init(StateStoreContext context, StateStore root) {
        }

        @Override
        public void close() {
        }

        @Override
        public boolean persistent() {
            return false;
        }

        @Override
        public boolean isOpen() {
            return true;
        }
    }

    static final class MapStore<V> extends InMemoryStore implements KeyValueStore<String, V> {
        private final boolean keeps;
        private final Map<String, V> map = new HashMap<>();

        MapStore(String name) {
            this(name, true);
        }

        /** @param keeps false for a store that nobody reads: it stays empty */
        MapStore(String name, boolean keeps) {
            super(name);
            this.keeps = keeps;
        }

        @Override
        public void put(String key, V value) {
            if (!keeps) {
                return;
            }
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        }

        @Override
        public V putIfAbsent(String key, V value) {
            V old = map.get(key);
            if (old == null) {
                put(key, value);
            }
            return old;
        }

        @Override
        public void putAll(List<KeyValue<String, V>> entries) {
            entries.forEach(kv -> put(kv.key, kv.value));
        }

        @Override
        public V delete(String key) {
            return map.remove(key);
        }

        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public KeyValueIterator<String, V> range(String from, String to) {
            throw new UnsupportedOperationException("a replay's store is read by key or whole");
        }

        @Override
        public KeyValueIterator<String, V> all() {
            List<Map.Entry<byte[], String>> keys = new ArrayList<>(map.size());
            map.keySet().forEach(k -> keys.add(Map.entry(k.getBytes(StandardCharsets.UTF_8), k)));
            keys.sort((a, b) -> Arrays.compareUnsigned(a.getKey(), b.getKey()));
            Iterator<Map.Entry<byte[], String>> it = keys.iterator();
            return new KeyValueIterator<>() {
                @Override
                public boolean hasNext() {
                    return it.hasNext();
                }

                @Override
                public KeyValue<String, V> next() {
                    String k = it.next().getValue();
                    return KeyValue.pair(k, map.get(k));
                }

                @Override
                public String peekNextKey() {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public long approximateNumEntries() {
            return map.size();
        }

    }

    /**
     * The intake's dedupe store, for point lookups only (all the intake does): values by key and window start,
     * entries dropped once older than the retention behind the newest window start put. The intake never looks
     * further back than three windows (its retention is longer), so dropping them is never seen, as with the
     * topology's segmented store.
     */
    static final class DedupeStore extends InMemoryStore implements WindowStore<String, Long> {
        private final long retention;
        private final Map<String, Map<Long, Long>> byKey = new HashMap<>();
        /** Keys by window start, oldest first, to drop them. */
        private final java.util.TreeMap<Long, List<String>> byTime = new java.util.TreeMap<>();
        private long newest = Long.MIN_VALUE;

        DedupeStore(String name, long retention) {
            super(name);
            this.retention = retention;
        }

        @Override
        public void put(String key, Long value, long windowStart) {
            if (value == null) {
                Map<Long, Long> m = byKey.get(key);
                if (m != null) {
                    m.remove(windowStart);
                }
                return;
            }
            byKey.computeIfAbsent(key, k -> new HashMap<>(2)).put(windowStart, value);
            byTime.computeIfAbsent(windowStart, t -> new ArrayList<>()).add(key);
            if (windowStart > newest) {
                newest = windowStart;
                while (!byTime.isEmpty() && byTime.firstKey() < newest - retention) {
                    Map.Entry<Long, List<String>> old = byTime.pollFirstEntry();
                    for (String k : old.getValue()) {
                        Map<Long, Long> m = byKey.get(k);
                        if (m != null && m.remove(old.getKey()) != null && m.isEmpty()) {
                            byKey.remove(k);
                        }
                    }
                }
            }
        }

        @Override
        public Long fetch(String key, long time) {
            Map<Long, Long> m = byKey.get(key);
            return m == null ? null : m.get(time);
        }

        @Override
        public WindowStoreIterator<Long> fetch(String key, long timeFrom, long timeTo) {
            throw new UnsupportedOperationException("the intake looks ids up by window start");
        }

        @Override
        public KeyValueIterator<Windowed<String>, Long> fetch(String keyFrom, String keyTo, long timeFrom, long timeTo) {
            throw new UnsupportedOperationException("the intake looks ids up by window start");
        }

        @Override
        public KeyValueIterator<Windowed<String>, Long> fetchAll(long timeFrom, long timeTo) {
            throw new UnsupportedOperationException("the intake looks ids up by window start");
        }

        @Override
        public KeyValueIterator<Windowed<String>, Long> all() {
            throw new UnsupportedOperationException("the intake looks ids up by window start");
        }

    }
}
