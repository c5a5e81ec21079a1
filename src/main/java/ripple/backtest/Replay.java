package ripple.backtest;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;
import ripple.avro.WeightUpdate;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.features.ItemCatalog;
import ripple.metrics.RippleMetrics;
import ripple.scoring.Candidates;
import ripple.scoring.PrequentialProbe;
import ripple.scoring.Ranker;
import ripple.scoring.ScoringObserver;
import ripple.scoring.ScoringProcessor;
import ripple.scoring.ScoringSettings;
import ripple.scoring.ScoringTopology;
import ripple.serde.InMemorySchemaRegistry;
import ripple.topics.Topics;

/**
 * One replay of the events through the live scoring topology's own processors ({@link ScoringTopology}, intake
 * included), driven by a {@link ReplayTopology}: no broker, the same code, its stores in memory. For each event
 * of a target type every model ranks the event's item before learning from it (test, then train), and the outcome
 * counts only if the scorer accepted the event (not a duplicate, not a dead letter). The main replay also runs the
 * baselines; an ablation replay runs Ripple alone with a feature group or candidate source held out, or with the
 * events of some behaviour types withheld from the scorer (still evaluated, never piped).
 *
 * <p>Ripple's rank is the item's position in the scorer's own view of the user before it learns from the event,
 * all its candidates ranked ({@link ScoringObserver}; a withheld event, never piped, is ranked by a
 * {@link PrequentialProbe} of the same state): an item the ranker did not retrieve is a miss. The baselines rank
 * the whole catalogue as it stands before the event. Equal scores go to the lower catalogue index in every model;
 * Ripple's position is counted under that rule here, whatever order the list comes in.
 *
 * <p>Under exclude-seen ({@code scoring.exclude-seen}), every model, Ripple included, skips the same items: the
 * user's last {@code features.recent-items} distinct items before the event, as the scorer's top-K does. Ranks
 * are counted as if those items were not in the catalogue; an event whose own item is among them is a miss for
 * every model.
 */
final class Replay {
    /** How many scorer tasks the replay emulates, each with its own prior ({@link ReplayTopology}). */
    static final String TASKS = "backtest.tasks";
    /** One event in this many has its top-K churn measured ({@link ChurnSample}). */
    static final String CHURN_SAMPLE = "backtest.churn-sample";
    private final String model;
    private final RippleConfig config;
    private final boolean baselines;
    private final Set<BehaviorType> withheld;
    private final ReplayInput input;
    private final ReplayOptions options;
    private final Path stateDir;
    private final AtomicLong progress;
    /** Whether every model skips the user's last {@link #seenWindow} distinct items (the scorer's setting). */
    private final boolean excludeSeen;
    private final int seenWindow;
    /**
     * The slow reference path: the live topology in a TopologyTestDriver (RocksDB stores with changelogs), and
     * Ripple ranked by a probe before each event.
     */
    private boolean reference;
    /** Whether the baselines run on the replay's own thread (a test's check that their thread changes nothing). */
    private boolean inlineBaselines;

    /**
     * @param model     the name Ripple's figures go under (ripple, ripple-no-text, ...)
     * @param baselines whether to evaluate the baselines in this pass (the main replay)
     * @param withheld  behaviour types whose events are evaluated but not piped into the scorer
     * @param progress  counts replayed events, for a progress display
     */
    Replay(String model, RippleConfig config, boolean baselines, Set<BehaviorType> withheld, ReplayInput input,
           ReplayOptions options, Path stateDir, AtomicLong progress) {
        this.model = model;
        // the reference path's driver never moves its wall clock, so a scheduled write of the prior would never
        // fire there, and its probe reads the prior from the store after every event
        this.config = config.with("learning.prior-checkpoint-interval", "0ms");
        this.baselines = baselines;
        this.withheld = withheld.isEmpty() ? EnumSet.noneOf(BehaviorType.class) : EnumSet.copyOf(withheld);
        this.input = input;
        this.options = options;
        this.stateDir = stateDir;
        this.progress = progress;
        this.excludeSeen = config.bool("scoring.exclude-seen");
        this.seenWindow = config.intValue("features.recent-items");
    }

    /**
     * Replays the slow way instead, as a check that the fast one changes no figure: the live topology in a
     * TopologyTestDriver, on its RocksDB stores with changelogs, Ripple ranked for each event by a {@link PrequentialProbe} of the stored state (a
     * second retrieval and ranking) rather than taken from the scorer's own view.
     */
    Replay reference() {
        reference = true;
        return this;
    }

    /** An evaluated event's candidate count when its item was new to the catalogue: not retrieved, not counted. */
    static final int UNCOUNTED = -1;

    /** What a replay measured: sums per model and segment, and every evaluated event's ranks for the bootstrap. */
    static final class Result {
        final String model;
        /** Model names; column m of {@link #ranks} is names.get(m); Ripple (this replay's model) is column 0. */
        final List<String> names = new ArrayList<>();
        /** model -> segment -> sums. */
        final Map<String, Map<String, MetricSums>> sums = new LinkedHashMap<>();
        final Map<String, MetricSums[]> series = new LinkedHashMap<>();
        /** Per behaviour type: weight updates, and the sum of their weight-change norms. */
        final Map<BehaviorType, double[]> weightMoves = new EnumMap<>(BehaviorType.class);
        /** Per behaviour type, over the events whose churn was measured: their count, sum and sum of squares. */
        final Map<BehaviorType, double[]> churns = new EnumMap<>(BehaviorType.class);
        /**
         * Per evaluated event: its position in the input, its segment bits, Ripple's candidate count
         * ({@link #UNCOUNTED} for an item new to the catalogue).
         */
        int count;
        int[] events = new int[1024];
        byte[] masks = new byte[1024];
        int[] candidates = new int[1024];
        boolean[] retrieved = new boolean[1024];
        /** count x names.size(), row-major: each model's rank of each evaluated event (0: a miss). */
        short[] ranks = new short[0];
        Map<String, Object> weights;
        /** Stored bytes per user at the end (main replay only). */
        Map<String, Object> stateSizes;
        long replayed;
        long accepted;
        long deadLetters;
        int catalogue;
        /** The replay's wall time, without {@link #summarySeconds}. */
        double seconds;
        /** Summarising the stored state at the end (the main replay's learned weights and state sizes). */
        double summarySeconds;
        double rankSeconds;
        double baselineSeconds;

        Result(String model) {
            this.model = model;
        }

        long evaluated() {
            return count;
        }

        int models() {
            return names.size();
        }

        short rank(int event, int model) {
            return ranks[event * names.size() + model];
        }

        void add(int event, byte mask, int candidateCount, boolean wasRetrieved, int[] eventRanks) {
            if (count == events.length) {
                int n = count * 2;
                events = Arrays.copyOf(events, n);
                masks = Arrays.copyOf(masks, n);
                candidates = Arrays.copyOf(candidates, n);
                retrieved = Arrays.copyOf(retrieved, n);
            }
            int m = names.size();
            if ((count + 1) * m > ranks.length) {
                ranks = Arrays.copyOf(ranks, Math.max(1024, ranks.length * 2));
            }
            events[count] = event;
            masks[count] = mask;
            candidates[count] = candidateCount;
            retrieved[count] = wasRetrieved;
            for (int k = 0; k < m; k++) {
                ranks[count * m + k] = (short) eventRanks[k];
            }
            count++;
        }
    }

    Result run() {
        Result result = new Result(model);
        ScoringSettings settings = ScoringSettings.from(config);
        ItemCatalog catalog = settings.newCatalog();
        Topics topics = Topics.create(config, new InMemorySchemaRegistry());
        long started = System.nanoTime();
        Served served = new Served(catalog);
        // only the main replay's report reads the top-K churn
        ChurnSample churn = baselines
                ? new ChurnSample(config.intValue(CHURN_SAMPLE), settings.topK(), settings.excludeSeen()) : null;
        int tasks = config.intValue(TASKS);
        if (reference) {
            if (tasks != 1) {
                throw new ConfigException(TASKS, "the reference replay drives one scorer task; it was " + tasks);
            }
            runInDriver(result, settings, catalog, topics, churn);
        } else {
            ReplayTopology topology = new ReplayTopology(settings, topics, catalog,
                    churn == null ? served : served.andThen(churn), tasks);
            input.features().forEach(topology::pipeFeatures);
            PrequentialProbe probe = new PrequentialProbe(topology.users(), topology::priorsOf, catalog, settings);
            new Loop(result, catalog, probe, served, churn).run(topology::pipe);
            summarise(result, topology.users(), topology.priors(), user -> ReplayTopology.taskOf(user, tasks),
                    tasks > 1 && settings.sharesPriors(), catalog);
        }
        result.rankSeconds += served.seconds;
        // the summaries of the final state are the report's work, not the replay's
        result.seconds = (System.nanoTime() - started) / 1e9 - result.summarySeconds;
        return result;
    }

    /**
     * The reference path: the live topology (RocksDB stores with changelogs) in a TopologyTestDriver, ranking and
     * publishing a top-K after every event as a live scorer does; the churn is measured as the fast path does.
     */
    private void runInDriver(Result result, ScoringSettings settings, ItemCatalog catalog, Topics topics,
                             ChurnSample churn) {
        Properties props = new Properties();
        // A fresh application id per replay: nothing a backtest does can meet a live application's state.
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ripple-backtest-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        ScoringTopology.Wiring live = new ScoringTopology.Wiring(RippleMetrics.noop(), false,
                churn == null ? ScoringObserver.NONE : churn, true);
        try (TopologyTestDriver driver = new TopologyTestDriver(ScoringTopology.build(settings, topics, catalog, live),
                props, Instant.now())) {
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
            KeyValueStore<String, byte[]> users = driver.getKeyValueStore(ScoringProcessor.USER_STORE);
            KeyValueStore<String, byte[]> priors = driver.getKeyValueStore(ScoringProcessor.PRIOR_STORE);
            PrequentialProbe probe = new PrequentialProbe(users, priors, catalog, settings);
            ReplayTopology.Outputs out = new ReplayTopology.Outputs();
            new Loop(result, catalog, probe, new Served(catalog), churn).run((e, now) -> {
                events.pipeInput(e.getUserId(), e, now);
                out.scored = !scores.readValuesToList().isEmpty();
                recommendations.readValuesToList();
                out.deadLetters = deadLetters.readValuesToList().size();
                out.weightUpdates.clear();
                out.weightUpdates.addAll(weightUpdates.readValuesToList());
                return out;
            });
            summarise(result, users, List.of(priors), user -> 0, false, catalog);
        }
    }

    /** Runs the baselines on the replay's own thread, as a check that their thread of their own changes no figure. */
    Replay inlineBaselines() {
        inlineBaselines = true;
        return this;
    }

    /** The main replay's summaries of the stored state at the end. */
    private void summarise(Result result, KeyValueStore<String, byte[]> users,
                           List<KeyValueStore<String, byte[]>> priors, ToIntFunction<String> taskOf,
                           boolean sharedPriors, ItemCatalog catalog) {
        if (baselines) {
            long started = System.nanoTime();
            result.weights = LearnedWeights.summarise(users, priors, taskOf, sharedPriors, catalog.layout());
            result.stateSizes = StateSizes.summarise(users);
            if (!reference) {
                result.stateSizes.put("note", "without the user's last top-K: a replay ranks none after each "
                        + "event, where a live scorer keeps the ids of the list it last published (bench e2e "
                        + "measures that state)");
            }
            result.summarySeconds = (System.nanoTime() - started) / 1e9;
        }
    }

    /**
     * Takes, when asked to, the ranking of the scorer's own view of the user before it learns from the event: the
     * test of test-then-train, with no second retrieval or ranking. When no source proposed the event's item (most
     * events: an item new to the catalogue, or one retrieval missed), the evaluation counts a miss and reads only
     * which items were candidates, so none is scored.
     */
    private static final class Served implements ScoringObserver {
        boolean wanted;
        /** The candidates, ranked, when the event's item was one of them; otherwise null. */
        List<Ranker.Scored> ranked;
        /**
         * The candidates, unranked, when the event's item was known but not one of them: only how many is read.
         * Null for an item the catalogue did not know: no source could propose it, and they are not retrieved.
         */
        Candidates unranked;
        double seconds;
        private final ItemCatalog catalog;

        Served(ItemCatalog catalog) {
            this.catalog = catalog;
        }

        @Override
        public void beforeLearning(String userId, BehaviorEvent event, Ranker.View view) {
            if (wanted) {
                long started = System.nanoTime();
                if (view.proposed(event.getItemId())) {
                    ranked = view.rankCandidates();
                } else if (catalog.get(event.getItemId()) != null) {
                    // read after the event: its ranker makes one view after this one, which keeps these intact
                    unranked = view.candidates();
                }
                seconds += (System.nanoTime() - started) / 1e9;
            }
        }

        void clear() {
            ranked = null;
            unranked = null;
        }
    }

    private static TestOutputTopic<byte[], byte[]> bytes(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * The baselines of a main replay, in report order; {@code itemIds} maps a catalogue index to its item.
     *
     * @param excludeSeen whether the replay excludes seen items (itemknn-norepeat is then plain itemknn)
     */
    static List<Baseline> baselines(ReplayOptions options, boolean excludeSeen, List<ItemFeatures> features,
                                    java.util.function.IntFunction<String> itemIds) {
        List<Baseline> out = new ArrayList<>();
        PopularityBaseline popularity = new PopularityBaseline("popularity", null);
        out.add(popularity);
        out.add(new PopularityBaseline("recent-popularity", options.recentHalfLife()));
        out.add(new RecentItemsBaseline(popularity));
        out.add(new CategoryPopularityBaseline());
        out.add(new ItemKnnBaseline(popularity, true));
        // with the user's recent items excluded from every model, a separate never-repeat rule would make this one
        // exclude more than the others; it is itemknn under the same exclusion instead, under its usual name
        out.add(excludeSeen ? new ItemKnnBaseline("itemknn-norepeat", popularity, true)
                : new ItemKnnBaseline(popularity, false));
        out.add(new SuccessorBaseline(popularity));
        out.add(new SessionKnnBaseline(popularity));
        if (!features.isEmpty()) {
            out.add(new ContentKnnBaseline(popularity, features, itemIds));
        }
        return out;
    }

    /**
     * Ripple's outcome for one event from what its ranker returned, in any order: the item's 1-based position
     * when equal scores go to the lower catalogue index (0 beyond {@code maxK}, or when the item is not among the
     * candidates); AUC over the other candidates (ties half); the softmax cross-entropy of the item over all the
     * candidates' scores. AUC and log loss are NaN when the item was not retrieved.
     */
    static Metrics.Outcome outcome(List<Ranker.Scored> candidates, int item, int maxK) {
        Ranker.Scored target = null;
        for (Ranker.Scored s : candidates) {
            if (item >= 0 && s.index() == item) {
                target = s;
                break;
            }
        }
        if (target == null) {
            return new Metrics.Outcome(0, Double.NaN, Double.NaN);
        }
        double t = target.score();
        double max = Double.NEGATIVE_INFINITY;
        for (Ranker.Scored s : candidates) {
            max = Math.max(max, s.score());
        }
        int better = 0;
        double below = 0;
        double partition = 0;
        for (Ranker.Scored s : candidates) {
            partition += Math.exp(s.score() - max);
            if (s == target) {
                continue;
            }
            if (s.score() > t || s.score() == t && s.index() < item) {
                better++;
            }
            below += s.score() < t ? 1 : s.score() == t ? 0.5 : 0;
        }
        int rank = better < maxK ? better + 1 : 0;
        double auc = candidates.size() > 1 ? below / (candidates.size() - 1) : Double.NaN;
        return new Metrics.Outcome(rank, auc, max + Math.log(partition) - t);
    }

    /**
     * The per-event test-then-train loop of one replay: the scorer's side here, the baselines' in a
     * {@link BaselineLane} (on a thread of its own in a main replay, unless {@link #inlineBaselines}).
     */
    private final class Loop {
        private final Result result;
        private final ItemCatalog catalog;
        private final PrequentialProbe probe;
        private final Served served;
        /** Measures the top-K churn of sampled events (the main replay's), or null. */
        private final ChurnSample churn;
        private final BaselineLane lane;
        /**
         * Each user's dense index, in order of first event: the lane's baselines and the exclude-seen windows keep
         * their per-user state in arrays by it, so that no model looks a user up by id.
         */
        private final Map<String, Integer> userIndexes = new HashMap<>();
        /** Users (by index) with an accepted event: the others are cold. */
        private final BitSet seenUsers = new BitSet();
        /** (user index, catalogue index) of every accepted event, as one long: what makes an event a repeat. */
        private final Set<Long> touched = new HashSet<>();
        private final int maxK = options.maxK();
        /** Per user, the last distinct items of accepted events: what exclude-seen skips, for every model. */
        private final RecentWindows seen = new RecentWindows(seenWindow);
        private int admitted;

        Loop(Result result, ItemCatalog catalog, PrequentialProbe probe, Served served, ChurnSample churn) {
            this.result = result;
            this.churn = churn;
            this.catalog = catalog;
            this.probe = probe;
            this.served = served;
            result.names.add(model);
            lane = new BaselineLane(result, options, input.firstTime(), input.lastTime(),
                    itemIds -> baselines ? baselines(options, excludeSeen, input.features(), itemIds) : List.of(),
                    !inlineBaselines);
        }

        void run(java.util.function.BiFunction<BehaviorEvent, Long, ReplayTopology.Outputs> scorer) {
            try (lane) {
                replay(scorer);
                lane.finish();
            }
            result.catalogue = catalog.size();
        }

        private void replay(java.util.function.BiFunction<BehaviorEvent, Long, ReplayTopology.Outputs> scorer) {
            BaselineLane.Step first = new BaselineLane.Step();
            admitNewCandidates(first);
            lane.accept(first);
            List<BehaviorEvent> all = input.events();
            for (int n = 0; n < all.size(); n++) {
                BehaviorEvent e = all.get(n);
                long now = e.getTimestamp().toEpochMilli();
                int user = userIndex(e.getUserId());
                ItemCatalog.Entry known = catalog.get(e.getItemId());
                int item = known == null ? -1 : known.index;
                // an item the catalogue does not know was never accepted, so never touched
                byte mask = Segments.mask(known != null, known != null && touched.contains(pair(user, item)),
                        !seenUsers.get(user));
                boolean target = options.targets().contains(e.getType());
                BaselineLane.Step step = new BaselineLane.Step();
                step.user = user;
                step.item = item;
                step.mask = mask;
                step.now = now;

                boolean piped = !withheld.contains(e.getType());
                List<Ranker.Scored> probed = null;
                if (target && (reference || !piped)) {
                    long started = System.nanoTime();
                    probed = probe.view(e.getUserId(), now).rankCandidates();
                    result.rankSeconds += (System.nanoTime() - started) / 1e9;
                }
                if (!piped) {
                    // never piped: the scorer cannot accept or reject it, so its test counts as it stands
                    if (target) {
                        evaluate(step, n, probed);
                        lane.accept(step);
                    }
                    progress.incrementAndGet();
                    continue;
                }
                served.wanted = target && !reference;
                served.clear();
                ReplayTopology.Outputs out = scorer.apply(e, now);
                result.replayed++;
                boolean accepted = out.scored;
                result.deadLetters += out.deadLetters;
                for (WeightUpdate w : out.weightUpdates) {
                    double[] m = result.weightMoves.computeIfAbsent(w.getType(), t -> new double[2]);
                    m[0]++;
                    m[1] += w.getDeltaNorm();
                }
                double moved = churn == null ? Double.NaN : churn.take();
                if (!Double.isNaN(moved)) {
                    double[] m = result.churns.computeIfAbsent(e.getType(), t -> new double[3]);
                    m[0]++;
                    m[1] += moved;
                    m[2] += moved * moved;
                }
                // the scorer ranked the user before learning (served.ranked); the baselines have not learned yet
                if (accepted && target) {
                    if (reference || served.ranked != null) {
                        evaluate(step, n, reference ? probed : served.ranked);
                    } else {
                        evaluateUnretrieved(step, n, served.unranked);
                    }
                }
                admitNewCandidates(step);
                if (accepted) {
                    result.accepted++;
                    ItemCatalog.Entry entry = catalog.get(e.getItemId());
                    String category = e.getContext().get("category");
                    step.learnType = e.getType();
                    step.learnItem = entry.index;
                    step.learnCategory = category == null ? entry.category() : category;
                    seenUsers.set(user);
                    touched.add(pair(user, entry.index));
                    if (excludeSeen) {
                        seen.touch(user, entry.index);
                    }
                }
                lane.accept(step);
                progress.incrementAndGet();
            }
        }

        private int userIndex(String userId) {
            Integer index = userIndexes.get(userId);
            if (index == null) {
                index = userIndexes.size();
                userIndexes.put(userId, index);
            }
            return index;
        }

        private static long pair(int user, int item) {
            return (long) user << 32 | item;
        }

        /** Catalogue entries that appeared since the last look, for the step to make candidates of every baseline. */
        private void admitNewCandidates(BaselineLane.Step step) {
            int size = catalog.size();
            if (admitted == size) {
                return;
            }
            step.firstAdmitted = admitted;
            step.admittedIds = new String[size - admitted];
            step.admittedCategories = new String[size - admitted];
            for (int i = 0; admitted < size; admitted++, i++) {
                ItemCatalog.Entry entry = catalog.entry(admitted);
                step.admittedIds[i] = entry.itemId;
                step.admittedCategories[i] = entry.category();
            }
        }

        /**
         * Ripple's outcome for an event, from its ranked candidates, into the step; the baselines rank over the
         * same other candidates on the lane.
         */
        private void evaluate(BaselineLane.Step step, int n, List<Ranker.Scored> candidates) {
            long started = System.nanoTime();
            int[] excluded = excludeSeen ? seen.get(step.user) : new int[0];
            if (excluded.length > 0) {
                // as the scorer's top-K skips them: Ripple is ranked among, and scored over, the rest
                List<Ranker.Scored> kept = new ArrayList<>(candidates.size());
                for (Ranker.Scored s : candidates) {
                    if (!PopularityBaseline.contains(excluded, s.index())) {
                        kept.add(s);
                    }
                }
                candidates = kept;
            }
            int item = step.item;
            boolean retrieved = false;
            for (Ranker.Scored s : candidates) {
                retrieved |= item >= 0 && s.index() == item;
            }
            // the baselines' AUC is over the same other candidates; none when the item was not retrieved
            int[] negatives = new int[0];
            if (retrieved && baselines) {
                negatives = new int[candidates.size() - 1];
                int k = 0;
                for (Ranker.Scored s : candidates) {
                    if (s.index() != item) {
                        negatives[k++] = s.index();
                    }
                }
            }
            // how many candidates is counted only for an item the catalogue knew (UNCOUNTED otherwise; see Served)
            int count = item < 0 ? UNCOUNTED : candidates.size();
            step.evaluated(n, outcome(candidates, item, maxK), count, retrieved, negatives, excluded);
            result.rankSeconds += (System.nanoTime() - started) / 1e9;
        }

        /**
         * {@link #evaluate} for an event whose item no source proposed: Ripple misses it, and of its candidates
         * only their number (less the excluded ones) is read, so none is scored or listed.
         */
        private void evaluateUnretrieved(BaselineLane.Step step, int n, Candidates candidates) {
            long started = System.nanoTime();
            int[] excluded = excludeSeen ? seen.get(step.user) : new int[0];
            int count = candidates == null ? UNCOUNTED : candidates.size();
            for (int x : excluded) {
                if (candidates != null && candidates.contains(catalog.entry(x))) {
                    count--;
                }
            }
            step.evaluated(n, new Metrics.Outcome(0, Double.NaN, Double.NaN), count, false, new int[0], excluded);
            result.rankSeconds += (System.nanoTime() - started) / 1e9;
        }
    }
}
