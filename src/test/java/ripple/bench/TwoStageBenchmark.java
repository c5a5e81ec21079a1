package ripple.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.features.InfluenceGroup;
import ripple.features.ItemCatalog;
import ripple.features.ItemNeighbours;
import ripple.features.UserState;
import ripple.scoring.Loss;
import ripple.scoring.OnlineLearner;
import ripple.scoring.Ranker;
import ripple.scoring.ScoringProcessor;
import ripple.scoring.ScoringSettings;

/**
 * One scoring step of the two-stage core at catalogue scale, whole and by stage, every candidate source on, beside
 * an exact scan of the whole catalogue with the same features (what every event did before retrieval). The
 * catalogue has text (so an HNSW index), influence with categories, and co-occurrence neighbours for the items
 * users touch. Run with {@code bench/jmh.sh TwoStage}, not as a test; it needs a large heap for a million items.
 * The heap is taken whole and touched before measuring: grown and shrunk on demand, the kernel's zeroing of fresh
 * pages was a fifth of the samples and stageRetrieveAndRank read 418 µs instead of 109 (100k items, same build).
 * The warm-up is long because on 2 cores the JIT is still at work about 15 s into a fork (JFR: Ranker.View's
 * candidates compiled five times, the scoring step twice, as new data invalidated what was compiled). Forks of
 * one build differed, between about 240 and 470 µs a step at 100k items, which compilation did not explain; since
 * the ranker reuses its candidate tables they read 217 to 256 µs (two forks, alternated with two of the build
 * before, which read 247 to 442), but a fork with the profiler attached still wandered from 257 to 436. Compare
 * builds in forks alternated one after the other, never one fork each.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xms10g", "-Xmx10g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
public class TwoStageBenchmark {
    static final ScoringSettings SETTINGS = ScoringSettings.from(RippleConfig.defaultConfig());
    static final Instant NOW = Instant.parse("2026-11-01T00:00:00Z");
    static final String MODEL = "bge-small-zh";
    /** Raw embedding size: the projection to 64 dims costs the same per event whatever it is, so keep setup short. */
    static final int EMBEDDING_DIMS = 64;
    static final int CATEGORIES = 1000;
    /** Users touch items among the first HOT ones, which all have co-occurrence neighbours. */
    static final int HOT = 10_000;
    static final int USERS = 1000;

    @State(Scope.Benchmark)
    public static class Catalogue {
        @Param({"100000", "1000000"})
        int catalogSize;
        /**
         * The share of events on an item the user's candidates hold (one of the most popular items, which every
         * user's candidates hold): only such an event teaches, by default, and only its view before the event
         * gathers every candidate. The other events are on a random hot item, which a user's candidates hold about
         * once in 250 steps. In the Taobao slice, 17% of the events on an item the catalogue knew were on one the
         * user's candidates held (candidateRecall of the seenItem segment, 0.166): {@code -p retrievedShare=0.17}.
         */
        @Param({"0"})
        double retrievedShare;
        ItemCatalog catalog;
        Ranker ranker;
        UserState user;
        byte[] encoded;
        float[] w;
        float[] query;
        float[][] examples;
        ScoringProcessor processor;
        MockProcessorContext<String, Object> context;
        SplittableRandom rnd = new SplittableRandom(5);
        long sent;

        @Setup
        public void setup() {
            SplittableRandom r = new SplittableRandom(3);
            catalog = SETTINGS.newCatalog();
            long t = NOW.toEpochMilli();
            for (int i = 0; i < catalogSize; i++) {
                String id = "item-" + i;
                catalog.putFeatures(id, MODEL, "v1", HotPathBenchmark.randomVector(r, EMBEDDING_DIMS, 1f), t,
                        "cat-" + i % CATEGORIES, null);
                float[] counts = new float[InfluenceGroup.COUNT];
                for (int g = 0; g < counts.length; g++) {
                    counts[g] = (float) r.nextDouble(0, 50);
                }
                catalog.putInfluence(id, new ItemCatalog.Influence(counts, t - r.nextLong(3_600_000),
                        (float) r.nextDouble(0, 500), "cat-" + i % CATEGORIES));
            }
            for (int i = 0; i < HOT; i++) {
                String[] ids = new String[SETTINGS.retrieval().neighbours()];
                float[] counts = new float[ids.length];
                for (int j = 0; j < ids.length; j++) {
                    ids[j] = "item-" + r.nextInt(catalogSize);
                    counts[j] = (float) r.nextDouble(1, 20);
                }
                catalog.putNeighbours("item-" + i, new ItemNeighbours(t, 200f, ids, counts));
            }
            ranker = new Ranker(catalog, SETTINGS.decay());
            query = HotPathBenchmark.randomVector(r, catalog.layout().dimsPerModel(), 1f);
            System.out.printf("%n%d items, %d text index segments%n", catalogSize, catalog.textIndex().segments());
            user = HotPathBenchmark.fullUser(catalog.layout(), r);
            encoded = user.encode();
            w = HotPathBenchmark.randomVector(r, catalog.layout().size(), 0.1f);
            Ranker.View view = ranker.view(user, w, t);
            examples = new float[1 + SETTINGS.negatives()][];
            for (int j = 0; j < examples.length; j++) {
                examples[j] = view.candidateFeatures(view.candidates().entry(j));
            }

            // A running scorer has seen its hot items before: each one's text neighbours are searched once (and
            // again only when its text changes or the catalogue grows by a tenth), not per event. That one search
            // costs about stageTextQuery.
            for (int i = 0; i < HOT; i++) {
                catalog.textNeighbours(catalog.entry(i), Ranker.TEXT_NEIGHBOURS);
            }
            context = new MockProcessorContext<>();
            processor = HotPathBenchmark.scorerOnInMemoryStores(catalog, context);
            // every user has a history before measuring starts
            for (int i = 0; i < USERS * 3; i++) {
                step();
            }
        }

        int[] stageTextQuery() {
            return catalog.textIndex().search(MODEL, query, 40, null);
        }

        /** A random hot item, or at {@link #retrievedShare} one of the most popular (drawn only when it is set). */
        private String itemOfEvent() {
            if (retrievedShare > 0 && rnd.nextDouble() < retrievedShare) {
                ItemCatalog.Listing popular = catalog.popular(true);
                return popular.entries()[rnd.nextInt(popular.size())].itemId;
            }
            return "item-" + rnd.nextInt(HOT);
        }

        void step() {
            long n = sent++;
            // Users in random order, not in turn: in turn, every user reached its text query refresh in the same
            // thousand steps, which then held a thousand HNSW searches (about 0.3 s every 16,000 steps).
            String userId = "user-" + rnd.nextInt(USERS);
            BehaviorType[] types = {BehaviorType.BROWSE, BehaviorType.CLICK, BehaviorType.CART, BehaviorType.PURCHASE};
            BehaviorEvent e = BehaviorEvent.newBuilder().setEventId("bench-" + n).setUserId(userId)
                    .setItemId(itemOfEvent()).setType(types[rnd.nextInt(types.length)])
                    .setTimestamp(NOW.minusSeconds(3600).plusMillis(n)).setScenario("ecommerce")
                    .setDwellMs(rnd.nextDouble(500, 60_000)).setContext(Map.of()).build();
            processor.process(new Record<>(userId, e, NOW.toEpochMilli()));
            context.resetForwards();
        }
    }

    /**
     * decode, ask retrieval about the event's item (gathering every candidate only where a source's list holds it),
     * learn from 9 examples where the event teaches ({@link Catalogue#retrievedShare}), fold the event in, retrieve
     * and rank, encode, build the outputs.
     */
    @Benchmark
    public void scoringStep(Catalogue s) {
        s.step();
    }

    @Benchmark
    public UserState stageDecode(Catalogue s) {
        return UserState.decode(s.encoded);
    }

    /**
     * Retrieval as a scoring step does it, with the user's text query hits reused (one search every
     * scoring.text-query.refresh-events of the user's events: {@link #stageTextQuery} divided by that).
     */
    @Benchmark
    public int stageRetrieve(Catalogue s) {
        return s.ranker.view("bench-user", s.user, null, s.w, NOW.toEpochMilli()).candidates().size();
    }

    /** One HNSW search for a user's text query. */
    @Benchmark
    public int[] stageTextQuery(Catalogue s) {
        return s.stageTextQuery();
    }

    @Benchmark
    public List<Ranker.Scored> stageRetrieveAndRank(Catalogue s) {
        return s.ranker.view("bench-user", s.user, null, s.w, NOW.toEpochMilli()).topK(SETTINGS.topK(), false);
    }

    @Benchmark
    public double stageLearn(Catalogue s) {
        double[] grad = new double[s.w.length];
        return OnlineLearner.gradient(Loss.SOFTMAX, s.w, s.examples, 1.0, grad);
    }

    @Benchmark
    public byte[] stageEncode(Catalogue s) {
        return s.user.encode();
    }

    /** The same features and R(u,i) for every catalogue item: the cost per event before retrieval. */
    @Benchmark
    public double exactScan(Catalogue s) {
        Ranker.View view = s.ranker.view(s.user, s.w, NOW.toEpochMilli());
        float[] f = new float[s.w.length];
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < s.catalog.size(); i++) {
            view.features(s.catalog.entry(i).itemId, null, f);
            best = Math.max(best, OnlineLearner.dot(s.w, f));
        }
        return best;
    }
}
