package ripple.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.config.RippleConfig;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.InfluenceGroup;
import ripple.features.ItemCatalog;
import ripple.features.UserState;
import ripple.metrics.RippleMetrics;
import ripple.scoring.OnlineLearner;
import ripple.scoring.Ranker;
import ripple.scoring.ScoringProcessor;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.scoring.TaskPriors;
import ripple.serde.InMemorySchemaRegistry;
import ripple.testing.TestDrivers;
import ripple.topics.Topics;
import ripple.runtime.TempDirs;

/**
 * The scorer's per-event hot path, piece by piece, with the default settings: 64 text dims from one model, so
 * 64 + 5 influence + 7 context = 76 weights; a user with a full history (24 recent items, 12 categories, last
 * top-20); 1 positive + 8 negatives per event. Run with {@code bench/jmh.sh}, not as a test.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class HotPathBenchmark {
    static final String MODEL = "bge-small-zh";
    /** bge-small-zh's embedding size; the catalogue projects it to features.text.dims. */
    static final int EMBEDDING_DIMS = 512;
    static final int CATEGORIES = 40;
    /** Users the event-step benchmarks cycle through. */
    static final int USERS = 200;
    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    static final ScoringSettings SETTINGS = ScoringSettings.from(RippleConfig.defaultConfig());

    /** A user whose state is as large as the defaults let it grow. */
    @State(Scope.Benchmark)
    public static class User {
        UserState user;
        byte[] encoded;

        @Setup
        public void setup() {
            user = fullUser(SETTINGS.layout(), new SplittableRandom(1));
            encoded = user.encode();
        }
    }

    /** One event's examples and the user's weights and optimiser moments. */
    @State(Scope.Benchmark)
    public static class Learning {
        OnlineLearner learner;
        float[] w;
        float[] m1;
        float[] m2;
        float[][] examples;
        float[] labels;
        float[] exampleWeights;
        double[] grad;

        @Setup
        public void setup() {
            int k = SETTINGS.layout().size();
            SplittableRandom rnd = new SplittableRandom(2);
            learner = new OnlineLearner(SETTINGS.optimizer(), SETTINGS.learningRate(), SETTINGS.l2());
            w = randomVector(rnd, k, 0.1f);
            m1 = new float[k];
            m2 = new float[k];
            examples = new float[1 + SETTINGS.negatives()][];
            for (int j = 0; j < examples.length; j++) {
                examples[j] = randomVector(rnd, k, 0.3f);
            }
            labels = new float[examples.length];
            labels[0] = 1f;
            exampleWeights = new float[examples.length];
            java.util.Arrays.fill(exampleWeights, 1f / SETTINGS.negatives());
            exampleWeights[0] = 1f;
            grad = new double[k];
        }
    }

    /** A catalogue with text and influence for every item, and a full user to rank it for. */
    @State(Scope.Benchmark)
    public static class Ranking {
        @Param({"1000", "10000"})
        int catalogSize;
        Ranker ranker;
        UserState user;
        float[] w;

        @Setup
        public void setup() {
            SplittableRandom rnd = new SplittableRandom(3);
            ItemCatalog catalog = catalog(catalogSize, rnd);
            ranker = new Ranker(catalog, SETTINGS.decay());
            user = fullUser(catalog.layout(), rnd);
            w = randomVector(rnd, catalog.layout().size(), 0.1f);
        }
    }

    /**
     * The ScoringProcessor alone over a 1,000-item catalogue, with in-memory stores and a mock context: the
     * per-event work of the processor (load and save the user, 9 examples, learn, top-20, build the outputs)
     * without Kafka Streams, RocksDB or serialisation of the outputs.
     */
    @State(Scope.Benchmark)
    public static class Processor {
        ScoringProcessor processor;
        MockProcessorContext<String, Object> context;
        SplittableRandom rnd = new SplittableRandom(5);
        long sent;

        @Setup
        public void setup() {
            ItemCatalog catalog = catalog(1000, rnd);
            context = new MockProcessorContext<>();
            processor = scorerOnInMemoryStores(catalog, context);
        }
    }

    /**
     * The whole scorer topology in a TopologyTestDriver over a 1,000-item catalogue: intake (validation, the dedupe
     * window store), the item-influence repartition and aggregation, the global influence store, scoring (RocksDB
     * user state, 9 examples, exact top-20) and Avro output. What it leaves out is the network, transactions and
     * batching; what it adds is the driver's own work: it commits after every record (so the stores flush every
     * record, where a real instance flushes once per commit interval), and copies every output and changelog record
     * into an in-memory queue, drained between iterations.
     */
    @State(Scope.Benchmark)
    public static class Driver {
        Path stateDir;
        TopologyTestDriver driver;
        TestInputTopic<String, byte[]> events;
        Serializer<BehaviorEvent> eventSerializer;
        String eventsTopic;
        String deadLettersTopic;
        SplittableRandom rnd = new SplittableRandom(4);
        long sent;

        @Setup
        public void setup() throws IOException {
            stateDir = Files.createTempDirectory("ripple-bench");
            Topics topics = Topics.create(RippleConfig.defaultConfig(), new InMemorySchemaRegistry());
            driver = new TopologyTestDriver(ScoringTopology.build(SETTINGS, topics),
                    TestDrivers.props("ripple-bench", stateDir), NOW);
            TestInputTopic<String, ItemFeatures> features = driver.createInputTopic(topics.itemFeatures.name(),
                    Serdes.String().serializer(), topics.itemFeatures.valueSerde().serializer());
            for (int i = 0; i < 1000; i++) {
                List<Float> e = new ArrayList<>(EMBEDDING_DIMS);
                for (float x : randomVector(rnd, EMBEDDING_DIMS, 1f)) {
                    e.add(x);
                }
                features.pipeInput("item-" + i, ItemFeatures.newBuilder().setItemId("item-" + i).setModelId(MODEL)
                        .setModelVersion("v1").setEmbedding(e).setComputedAt(NOW).setCategory("cat-" + i % CATEGORIES)
                        .build());
            }
            eventsTopic = topics.behaviorEvents.name();
            deadLettersTopic = topics.deadLetters.name();
            eventSerializer = topics.behaviorEvents.valueSerde().serializer();
            events = driver.createInputTopic(eventsTopic, Serdes.String().serializer(), Serdes.ByteArray().serializer());
        }

        byte[] nextEvent(String user) {
            return eventSerializer.serialize(eventsTopic, event(sent++, user, rnd));
        }

        /** Empties the driver's output queues, and checks that events were scored rather than rejected. */
        @TearDown(Level.Iteration)
        public void drain() {
            for (String topic : driver.producedTopicNames()) {
                int n = driver.createOutputTopic(topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer())
                        .readRecordsToList().size();
                if (topic.equals(deadLettersTopic) && n > 0) {
                    throw new IllegalStateException(n + " bench events went to dead-letters");
                }
            }
        }

        @TearDown
        public void close() throws IOException {
            driver.close();
            TempDirs.deleteQuietly(stateDir);
        }
    }

    @Benchmark
    public byte[] userStateEncode(User s) {
        return s.user.encode();
    }

    @Benchmark
    public UserState userStateDecode(User s) {
        return UserState.decode(s.encoded);
    }

    /** One event's gradient over 1 positive and 8 negatives, and one Adam step with it. */
    @Benchmark
    public double learnGradientAndApply(Learning s) {
        double loss = OnlineLearner.gradient(s.w, s.examples, s.labels, s.exampleWeights, s.grad);
        s.learner.apply(s.w, s.m1, s.m2, 100, s.grad);
        return loss;
    }

    @Benchmark
    public List<Ranker.Scored> rankTop20(Ranking s) {
        return s.ranker.view(s.user, s.w, NOW.toEpochMilli()).topK(SETTINGS.topK(), SETTINGS.excludeSeen());
    }

    @Benchmark
    public void scoringProcessorStep(Processor s) {
        long n = s.sent++;
        String user = "user-" + n % USERS;
        s.processor.process(new Record<>(user, event(n, user, s.rnd), NOW.toEpochMilli()));
        s.context.resetForwards();
    }

    /** One event through the whole topology (see {@link Driver}), including serialising it (about 1 µs). */
    @Benchmark
    public void fullEventStep(Driver s) {
        String user = "user-" + s.sent % USERS;
        s.events.pipeInput(user, s.nextEvent(user));
    }

    /** A ScoringProcessor over a catalogue, initialised on in-memory stores in a mock context. */
    static ScoringProcessor scorerOnInMemoryStores(ItemCatalog catalog, MockProcessorContext<String, Object> context) {
        for (String name : List.of(ScoringProcessor.USER_STORE, ScoringProcessor.PRIOR_STORE,
                ScoringProcessor.PENDING_STORE)) {
            KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                    Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        Topics topics = Topics.create(RippleConfig.defaultConfig(), new InMemorySchemaRegistry());
        // as the live topology makes it: sharing its prior with other tasks (none here) when the settings say so
        ScoringProcessor processor = ScoringTopology.scoring(SETTINGS, catalog, topics,
                ScoringTopology.Wiring.live(RippleMetrics.noop()), SETTINGS.sharesPriors() ? new TaskPriors() : null);
        processor.init(context);
        return processor;
    }

    /** Event n (its own id, so never a duplicate) of a user on a random item of a 1,000-item catalogue. */
    static BehaviorEvent event(long n, String user, SplittableRandom rnd) {
        BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
        return BehaviorEvent.newBuilder().setEventId("bench-" + n).setUserId(user)
                .setItemId("item-" + rnd.nextInt(1000)).setType(types[rnd.nextInt(types.length)])
                .setTimestamp(NOW.minusSeconds(3600).plusMillis(n)).setScenario("ecommerce")
                .setDwellMs(rnd.nextDouble(500, 60_000)).setContext(Map.of()).build();
    }

    /** Item i has a random embedding, category {@code cat-(i mod 40)} and random influence counts. */
    static ItemCatalog catalog(int size, SplittableRandom rnd) {
        ItemCatalog catalog = SETTINGS.newCatalog();
        long t = NOW.toEpochMilli();
        for (int i = 0; i < size; i++) {
            String id = "item-" + i;
            catalog.putFeatures(id, MODEL, "v1", randomVector(rnd, EMBEDDING_DIMS, 1f), t, "cat-" + i % CATEGORIES, null);
            float[] counts = new float[InfluenceGroup.COUNT];
            for (int g = 0; g < counts.length; g++) {
                counts[g] = (float) rnd.nextDouble(0, 50);
            }
            catalog.putInfluence(id, new ItemCatalog.Influence(counts, t - rnd.nextLong(3_600_000)));
        }
        return catalog;
    }

    /**
     * A user who touched more items and categories than the state keeps, so that recent items (24), categories
     * (12) and the last top-K (20) are all full, with random weights and moments.
     */
    static UserState fullUser(FeatureLayout layout, SplittableRandom rnd) {
        UserState user = UserState.startingFrom(randomVector(rnd, layout.size(), 0.1f), layout.textDims(), 0);
        Decay decay = SETTINGS.decay();
        long t = NOW.toEpochMilli() - 3_600_000;
        for (int i = 0; i < 60; i++) {
            user.history().observe("item-" + i, "cat-" + i % CATEGORIES, BehaviorType.CLICK, t + i * 10_000L,
                    (float) rnd.nextDouble(500, 60_000), 0.5f, randomVector(rnd, layout.textDims(), 0.2f), decay,
                    SETTINGS.maxRecentItems(), SETTINGS.maxCategories());
        }
        System.arraycopy(randomVector(rnd, layout.size(), 0.01f), 0, user.weights().moment1, 0, layout.size());
        float[] m2 = randomVector(rnd, layout.size(), 0.001f);
        for (int i = 0; i < m2.length; i++) {
            user.weights().moment2[i] = Math.abs(m2[i]);
        }
        List<String> top = new ArrayList<>();
        for (int i = 0; i < SETTINGS.topK(); i++) {
            top.add("item-" + (100 + i));
        }
        user.lastTopK().ids = top;
        return user;
    }

    static float[] randomVector(SplittableRandom rnd, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-scale, scale);
        }
        return v;
    }
}
