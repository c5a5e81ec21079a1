package ripple.backtest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.WeightUpdate;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.scoring.OnlineLearner;
import ripple.scoring.PrequentialProbe;
import ripple.scoring.Ranker;
import ripple.scoring.ScoringProcessor;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.InMemorySchemaRegistry;
import ripple.topics.Topics;

/**
 * One replay of the events through the live scoring topology ({@link ScoringTopology}, intake included) in a
 * TopologyTestDriver: no broker, the same code. For each event of a target type it first asks every model to rank
 * the event's item (test), then pipes the event so that Ripple learns from it (train), and counts the outcome only
 * if the scorer accepted the event (not a duplicate, not a dead letter). The main replay also runs the baselines;
 * an ablation replay runs Ripple alone with a feature group held out.
 *
 * <p>Candidates are the whole catalogue as it stands before the event: every item with features or with earlier
 * behaviour. Ripple ranks them with the exact top-K scan the scorer uses, from the state the scorer will start the
 * event from ({@link PrequentialProbe}).
 */
final class Replay {
    /** Cold-start segments of the evaluated events. */
    static final List<String> SEGMENTS = List.of("coldUser", "coldItem", "warm");

    private final String model;
    private final RippleConfig config;
    private final boolean baselines;
    private final ReplayInput input;
    private final ReplayOptions options;
    private final Path stateDir;
    private final AtomicLong progress;

    /**
     * @param model     the name Ripple's figures go under (ripple, ripple-no-text, ...)
     * @param baselines whether to evaluate the baselines in this pass
     * @param progress  counts replayed events, for a progress display
     */
    Replay(String model, RippleConfig config, boolean baselines, ReplayInput input, ReplayOptions options,
           Path stateDir, AtomicLong progress) {
        this.model = model;
        this.config = config;
        this.baselines = baselines;
        this.input = input;
        this.options = options;
        this.stateDir = stateDir;
        this.progress = progress;
    }

    /** What a replay measured. */
    static final class Result {
        final String model;
        final Map<String, MetricSums> models = new LinkedHashMap<>();
        final Map<String, Map<String, MetricSums>> segments = new LinkedHashMap<>();
        final Map<String, MetricSums[]> series = new LinkedHashMap<>();
        final Map<BehaviorType, double[]> weightMoves = new EnumMap<>(BehaviorType.class);
        final Map<String, Long> segmentEvents = new LinkedHashMap<>();
        long replayed;
        long accepted;
        long deadLetters;
        long evaluated;
        int catalogue;
        double seconds;

        Result(String model) {
            this.model = model;
        }
    }

    Result run() {
        Result result = new Result(model);
        ScoringSettings settings = ScoringSettings.from(config);
        ItemCatalog catalog = settings.newCatalog();
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        Properties props = new Properties();
        // A fresh application id per replay: nothing a backtest does can meet a live application's state.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ripple-backtest-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        long started = System.nanoTime();
        try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(settings, topics, catalog), props,
                Instant.now())) {
            TestInputTopic<String, ItemFeatures> features = driver.createInputTopic(topics.itemFeatures.name(),
                    Serdes.String().serializer(), topics.itemFeatures.valueSerde().serializer());
            for (ItemFeatures f : input.features()) {
                features.pipeInput(f.getItemId(), f);
            }
            TestInputTopic<String, BehaviorEvent> events = driver.createInputTopic(topics.behaviorEvents.name(),
                    Serdes.String().serializer(), topics.behaviorEvents.valueSerde().serializer());
            // Outputs are drained after every event (the driver keeps them otherwise); only counts are needed from
            // scores and dead letters, so they are not decoded.
            TestOutputTopic<byte[], byte[]> scores = bytes(driver, topics.scores.name());
            TestOutputTopic<byte[], byte[]> recommendations = bytes(driver, topics.recommendations.name());
            TestOutputTopic<byte[], byte[]> deadLetters = bytes(driver, topics.deadLetters.name());
            TestOutputTopic<String, WeightUpdate> weightUpdates = driver.createOutputTopic(topics.weightUpdates.name(),
                    Serdes.String().deserializer(), topics.weightUpdates.valueSerde().deserializer());
            PrequentialProbe probe = new PrequentialProbe(driver.getKeyValueStore(ScoringProcessor.USER_STORE),
                    driver.getKeyValueStore(ScoringProcessor.PRIOR_STORE), catalog, settings);
            new Loop(result, catalog, probe).run(events, scores, recommendations, deadLetters, weightUpdates);
        }
        result.seconds = (System.nanoTime() - started) / 1e9;
        return result;
    }

    private static TestOutputTopic<byte[], byte[]> bytes(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The per-event test-then-train loop of one replay. */
    private final class Loop {
        private final Result result;
        private final ItemCatalog catalog;
        private final PrequentialProbe probe;
        private final List<Baseline> models = new ArrayList<>();
        private final Set<String> seenUsers = new HashSet<>();
        private final Set<String> seenItems = new HashSet<>();
        private final int maxK = options.maxK();
        private int admitted;

        Loop(Result result, ItemCatalog catalog, PrequentialProbe probe) {
            this.result = result;
            this.catalog = catalog;
            this.probe = probe;
            if (baselines) {
                PopularityBaseline popularity = new PopularityBaseline("popularity", null);
                models.add(popularity);
                models.add(new PopularityBaseline("recent-popularity", options.recentHalfLife()));
                models.add(new CoOccurrenceBaseline(popularity));
            }
            List<String> names = new ArrayList<>();
            names.add(model);
            models.forEach(b -> names.add(b.name()));
            for (String name : names) {
                result.models.put(name, new MetricSums(options.ks()));
                Map<String, MetricSums> segments = new LinkedHashMap<>();
                SEGMENTS.forEach(s -> segments.put(s, new MetricSums(options.ks())));
                result.segments.put(name, segments);
                MetricSums[] buckets = new MetricSums[options.buckets()];
                for (int b = 0; b < buckets.length; b++) {
                    buckets[b] = new MetricSums(options.ks());
                }
                result.series.put(name, buckets);
            }
            SEGMENTS.forEach(s -> result.segmentEvents.put(s, 0L));
        }

        void run(TestInputTopic<String, BehaviorEvent> events, TestOutputTopic<byte[], byte[]> scores,
                 TestOutputTopic<byte[], byte[]> recommendations, TestOutputTopic<byte[], byte[]> deadLetters,
                 TestOutputTopic<String, WeightUpdate> weightUpdates) {
            admitNewCandidates();
            List<BehaviorEvent> all = input.events();
            for (int n = 0; n < all.size(); n++) {
                BehaviorEvent e = all.get(n);
                long now = e.getTimestamp().toEpochMilli();
                Map<String, Metrics.Outcome> outcomes = options.targets().contains(e.getType())
                        ? evaluate(n, e, now) : null;
                String segment = !seenUsers.contains(e.getUserId()) ? "coldUser"
                        : !seenItems.contains(e.getItemId()) ? "coldItem" : "warm";

                events.pipeInput(e.getUserId(), e, now);
                result.replayed++;
                boolean accepted = !scores.readValuesToList().isEmpty();
                recommendations.readValuesToList();
                result.deadLetters += deadLetters.readValuesToList().size();
                for (WeightUpdate w : weightUpdates.readValuesToList()) {
                    double[] m = result.weightMoves.computeIfAbsent(w.getType(), t -> new double[3]);
                    m[0]++;
                    m[1] += w.getDeltaNorm();
                    m[2] += w.getTopKChurn();
                }
                admitNewCandidates();
                if (accepted) {
                    result.accepted++;
                    if (outcomes != null) {
                        record(outcomes, segment, now);
                    }
                    ItemCatalog.Entry entry = catalog.get(e.getItemId());
                    for (Baseline b : models) {
                        b.learn(e.getUserId(), entry.index, now);
                    }
                    seenUsers.add(e.getUserId());
                    seenItems.add(e.getItemId());
                }
                progress.incrementAndGet();
            }
            result.catalogue = catalog.size();
        }

        /** Catalogue entries that appeared since the last look become candidates of every baseline. */
        private void admitNewCandidates() {
            for (int size = catalog.size(); admitted < size; admitted++) {
                for (Baseline b : models) {
                    b.admit(admitted);
                }
            }
        }

        private Map<String, Metrics.Outcome> evaluate(int n, BehaviorEvent e, long now) {
            ItemCatalog.Entry entry = catalog.get(e.getItemId());
            int item = entry == null ? -1 : entry.index;
            int[] negatives = negatives(n, item);
            Map<String, Metrics.Outcome> out = new LinkedHashMap<>();

            PrequentialProbe.View view = probe.view(e.getUserId(), now);
            int rank = 0;
            List<Ranker.Scored> top = view.topK(maxK);
            for (int i = 0; i < top.size(); i++) {
                if (top.get(i).itemId().equals(e.getItemId())) {
                    rank = i + 1;
                    break;
                }
            }
            double positive = view.score(e.getItemId(), e.getContext().get("category"));
            double[] neg = new double[negatives.length];
            double[] negP = new double[negatives.length];
            for (int i = 0; i < negatives.length; i++) {
                neg[i] = view.score(catalog.entry(negatives[i]).itemId, null);
                negP[i] = OnlineLearner.sigmoid(neg[i]);
            }
            out.put(model, new Metrics.Outcome(rank, Metrics.auc(positive, neg),
                    Metrics.logloss(OnlineLearner.sigmoid(positive), negP)));
            for (Baseline b : models) {
                out.put(b.name(), b.evaluate(e.getUserId(), item, negatives, maxK));
            }
            return out;
        }

        /** Uniform draws from the catalogue other than the item, seeded per event so every replay draws the same. */
        private int[] negatives(int n, int item) {
            int size = catalog.size();
            if (size - (item >= 0 ? 1 : 0) <= 0) {
                return new int[0];
            }
            SplittableRandom random = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + n);
            int[] out = new int[options.evalNegatives()];
            for (int i = 0; i < out.length; i++) {
                int j;
                do {
                    j = random.nextInt(size);
                } while (j == item);
                out[i] = j;
            }
            return out;
        }

        private void record(Map<String, Metrics.Outcome> outcomes, String segment, long now) {
            result.evaluated++;
            result.segmentEvents.merge(segment, 1L, Long::sum);
            long span = Math.max(1, input.lastTime() - input.firstTime() + 1);
            int bucket = (int) Math.min(options.buckets() - 1, (now - input.firstTime()) * options.buckets() / span);
            outcomes.forEach((name, o) -> {
                result.models.get(name).add(o);
                result.segments.get(name).get(segment).add(o);
                result.series.get(name)[bucket].add(o);
            });
        }
    }
}
