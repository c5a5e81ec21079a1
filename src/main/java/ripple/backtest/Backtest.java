package ripple.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import ripple.avro.BehaviorEvent;
import ripple.avro.BehaviorType;
import ripple.config.RippleConfig;
import ripple.runtime.TempDirs;
import ripple.features.RetrievalSettings;
import ripple.scoring.ScoringSettings;

/**
 * Replays one input under one or more settings (a grid), each as a main replay (Ripple and the baselines in the
 * same pass) plus one replay per ablation, in parallel; and builds the report. Replays share nothing but the
 * read-only input, so they may run on separate threads.
 */
public final class Backtest {
    /** Feature-group ablation replays: the model name in the report and the {@code features.ablate} value. */
    static final Map<String, String> ABLATIONS = ablations();
    private static final List<String> REPORTED_SETTING_PREFIXES = List.of("features.", "learning.", "scoring.", "events.");

    private static Map<String, String> ablations() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ripple-no-text", "text");
        m.put("ripple-no-influence", "influence");
        m.put("ripple-no-context", "context");
        return m;
    }

    /**
     * One ablation replay: Ripple under a changed config, or with the events of {@code withheld} types kept from
     * the scorer (still evaluated, so its targets are the main replay's).
     */
    record Ablation(String name, String kind, String change, RippleConfig config, Set<BehaviorType> withheld) {
    }

    /**
     * Every ablation of one setting: each feature group held out; each candidate source of {@code scoring.sources}
     * removed (ripple-no-SOURCE; ripple-no-text-source for text); where items have text, the topics read from
     * it, and all three uses of the text at once; each behaviour type present in the input withheld (when there
     * are at least two).
     */
    static List<Ablation> ablationsOf(RippleConfig config, ReplayInput input) {
        List<Ablation> out = new ArrayList<>();
        ABLATIONS.forEach((name, group) -> out.add(new Ablation(name, "features", "features.ablate=" + group,
                config.with("features.ablate", group), Set.of())));
        Set<RetrievalSettings.Source> sources = EnumSet.copyOf(RetrievalSettings.from(config).sources());
        for (RetrievalSettings.Source source : sources) {
            String rest = String.join(",", sources.stream().filter(x -> x != source)
                    .map(x -> x.name().toLowerCase(Locale.ROOT)).toList());
            String name = "ripple-no-" + source.name().toLowerCase(Locale.ROOT);
            // ripple-no-text is already the text feature group held out
            if (ABLATIONS.containsKey(name)) {
                name += "-source";
            }
            out.add(new Ablation(name, "sources",
                    "scoring.sources=" + rest, config.with("scoring.sources", rest), Set.of()));
        }
        if (!input.features().isEmpty()) {
            // The text reaches the ranker three ways: its own feature group, the topics read from it (which
            // category features and lists use for items without a category), and the text candidate source.
            out.add(new Ablation("ripple-no-text-topics", "text", "features.text.clusters=0",
                    config.with("features.text.clusters", "0"), Set.of()));
            if (sources.contains(RetrievalSettings.Source.TEXT)) {
                String rest = String.join(",", sources.stream().filter(x -> x != RetrievalSettings.Source.TEXT)
                        .map(x -> x.name().toLowerCase(Locale.ROOT)).toList());
                out.add(new Ablation("ripple-no-text-at-all", "text",
                        "features.ablate=text, features.text.clusters=0, scoring.sources=" + rest,
                        config.with("features.ablate", "text").with("features.text.clusters", "0")
                                .with("scoring.sources", rest), Set.of()));
            }
        }
        Set<BehaviorType> types = EnumSet.noneOf(BehaviorType.class);
        for (BehaviorEvent e : input.events()) {
            types.add(e.getType());
        }
        if (types.size() > 1) {
            for (BehaviorType t : types) {
                out.add(new Ablation("ripple-without-" + t.name(), "withheldType",
                        t.name() + " events evaluated but not piped into the scorer", config, Set.of(t)));
            }
        }
        return out;
    }

    private final RippleConfig base;
    private final ReplayInput input;
    private final ReplayOptions options;
    private final boolean ablations;
    private final int threads;

    public Backtest(RippleConfig base, ReplayInput input, ReplayOptions options, boolean ablations, int threads) {
        this.base = base;
        this.input = input;
        this.options = options;
        this.ablations = ablations;
        this.threads = Math.max(1, threads);
    }

    /**
     * Every combination of the grid's values, each on top of {@code fixed}; one empty setting without a grid.
     * Keys and values are checked by building the scorer's settings, so a bad one fails before anything runs.
     */
    public static List<Map<String, String>> settings(Map<String, String> fixed, Map<String, List<String>> grid) {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>(fixed));
        for (Map.Entry<String, List<String>> axis : grid.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> s : out) {
                for (String v : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(s);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }

    /** The config of one setting; fails naming the key when a key is unknown or a value bad. */
    public static RippleConfig configFor(RippleConfig base, Map<String, String> overrides) {
        RippleConfig c = base;
        for (Map.Entry<String, String> o : overrides.entrySet()) {
            if (!RippleConfig.defaultValues().containsKey(o.getKey()) && !o.getKey().startsWith(RippleConfig.STRENGTHS_PREFIX)) {
                throw new ripple.config.ConfigException(o.getKey(), "not a Ripple setting");
            }
            c = c.with(o.getKey(), o.getValue(), "--set/--grid");
        }
        // A replay reads the scorer's store by the ids it pipes, and nothing of it leaves the process: pseudonyms
        // (privacy.pseudonymise) would only hide every user's state from the probe.
        c = c.with("privacy.pseudonymise", "false");
        ScoringSettings.from(c);
        return c;
    }

    private static void await(List<Future<Replay.Result>> runs, AtomicLong done, long total, BacktestProgress progress)
            throws InterruptedException, ExecutionException {
        for (Future<Replay.Result> run : runs) {
            while (true) {
                try {
                    run.get(200, TimeUnit.MILLISECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    progress.update(done.get(), total);
                }
            }
        }
        progress.update(done.get(), total);
    }

    /** Runs every replay and returns the report: the first setting's figures, plus a {@code grid} list when several. */
    public BacktestReport run(List<Map<String, String>> settings, BacktestProgress progress) {
        // --exclude-seen is the scorer's own setting, so the replayed scorer's top-K and every model agree
        List<RippleConfig> configs = settings.stream().map(s -> configFor(base, s))
                .map(c -> options.excludeSeen() ? c.with("scoring.exclude-seen", "true") : c).toList();
        Path work;
        try {
            work = Files.createTempDirectory("ripple-backtest-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        AtomicLong done = new AtomicLong();
        List<List<Ablation>> ablationLists = new ArrayList<>();
        int replays = 0;
        for (RippleConfig config : configs) {
            List<Ablation> a = ablations ? ablationsOf(config, input) : List.of();
            ablationLists.add(a);
            replays += 1 + a.size();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, replays));
        try {
            long total = (long) input.events().size() * replays;
            // The main replays first, each with its baselines on a thread of their own: the ablations queued
            // beside them would halve the cores that the headline figures (and events/s) are measured on.
            List<Future<Replay.Result>> mains = new ArrayList<>();
            for (int c = 0; c < configs.size(); c++) {
                RippleConfig config = configs.get(c);
                Path dir = work.resolve("run-" + c);
                mains.add(pool.submit(() -> new Replay("ripple", config, true, Set.of(), input, options,
                        dir.resolve("ripple"), done).run()));
            }
            await(mains, done, total, progress);
            long ablationsStarted = System.nanoTime();
            List<List<Future<Replay.Result>>> futures = new ArrayList<>();
            List<Future<Replay.Result>> all = new ArrayList<>();
            for (int c = 0; c < configs.size(); c++) {
                RippleConfig config = configs.get(c);
                Path dir = work.resolve("run-" + c);
                List<Future<Replay.Result>> runs = new ArrayList<>();
                runs.add(mains.get(c));
                for (Ablation a : ablationLists.get(c)) {
                    runs.add(pool.submit(() -> new Replay(a.name(), a.config(), false, a.withheld(), input, options,
                            dir.resolve(a.name()), done).run()));
                }
                all.addAll(runs.subList(1, runs.size()));
                futures.add(runs);
            }
            await(all, done, total, progress);
            double ablationWallSeconds = (System.nanoTime() - ablationsStarted) / 1e9;
            progress.finish();
            List<BacktestReport> reports = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                List<Replay.Result> results = new ArrayList<>();
                for (Future<Replay.Result> f : futures.get(i)) {
                    results.add(f.get());
                }
                reports.add(report(settings.get(i), configs.get(i), results, ablationLists.get(i), progress,
                        ablationWallSeconds));
            }
            return reports.get(0).withRun((System.nanoTime() - started) / 1e9, reports.size() > 1 ? reports : null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backtest interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            TempDirs.deleteQuietly(work);
        }
    }

    private BacktestReport report(Map<String, String> overrides, RippleConfig config, List<Replay.Result> results,
                                       List<Ablation> ablationList, BacktestProgress progress,
                                       double ablationWallSeconds) {
        Replay.Result main = results.get(0);
        long reportStarted = System.nanoTime();
        int k = options.ks().contains(10) ? 10 : options.maxK();
        boolean excludeSeen = config.bool("scoring.exclude-seen");
        int seenWindow = config.intValue("features.recent-items");
        String exclusion = excludeSeen
                ? " Exclude-seen: every model, Ripple included, skips the same items, the user's last " + seenWindow
                + " distinct items before the event (features.recent-items; as the scorer's top-K does), and ranks"
                + " are counted as if they were not there. An event whose own item is among them (a recent repeat)"
                + " is still evaluated and is a miss for every model, so 'all' and 'repeat' are lowered alike; read"
                + " newToUser for first visits. itemknn-norepeat is then the same model as itemknn (kept for the"
                + " report's shape); Ripple's candidateRecall counts an excluded item as not retrieved."
                : "";
        String candidates = "Ripple: the candidates its own ranker retrieves for the user before the event (the "
                + "scorer's state, prior + user weights, as it will score the event; " + main.catalogue
                + " catalogue items at the end, of which only those the candidate sources (scoring.sources) propose "
                + "are ranked); an item not retrieved is a miss. Baselines: every catalogue item known before "
                + "the event, " + (excludeSeen ? "less the excluded ones" : "repeats allowed") + ". Ties: equal "
                + "scores go to the earlier catalogue item (lower catalogue index), for every model. Ranks beyond "
                + options.maxK() + " count as misses, so mrr is MRR@" + options.maxK() + "." + exclusion;
        String aucLogloss = "auc: over the candidates Ripple's ranker saw for the event, the share of the other "
                + "candidates scored below the item (ties half); every model is scored on that same item set, and "
                + "events whose item was not retrieved have no auc (left out). logloss: Ripple's softmax "
                + "cross-entropy of the item over the candidates' scores, when retrieved; the baselines have no "
                + "probability (null).";
        String confidence = "[lo, hi]: 95% percentile bootstrap over evaluated events, " + options.resamples()
                + " resamples, seed " + options.seed() + "; ratios and deltas are paired (the same resampled events "
                + "on both sides).";
        String note = null;
        if (input.features().isEmpty()) {
            note = "no item text in this input: text features are zero for every item, so ripple-no-text "
                    + "is the same model as ripple; influence and context carry it; content-knn is left out.";
        }
        Bootstrap bootstrap = new Bootstrap(options.resamples(), options.seed());

        // per segment, every model of the main pass with intervals, and Ripple against the best baseline
        Map<String, Map<String, Map<String, Object>>> bySegment = new LinkedHashMap<>();
        Map<String, Map<String, Object>> comparison = new LinkedHashMap<>();
        Map<String, Long> segmentEvents = new LinkedHashMap<>();
        for (String segment : Segments.NAMES) {
            int[] rows = rows(main, segment);
            segmentEvents.put(segment, (long) rows.length);
            int m = main.models();
            float[] values = new float[rows.length * 2 * m];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < m; j++) {
                    int rank = main.rank(rows[i], j);
                    values[(i * m + j) * 2] = (float) Metrics.hit(rank, k);
                    values[(i * m + j) * 2 + 1] = (float) Metrics.ndcg(rank, k);
                }
            }
            double[][] means = bootstrap.means(values, 2 * m);
            String best = null;
            double bestNdcg = -1;
            for (int j = 0; j < m; j++) {
                String name = main.names.get(j);
                Map<String, Object> metrics = main.sums.get(name).get(segment).toMap();
                metrics.put("hr@" + k + "_ci", rows.length == 0 ? null : Bootstrap.interval(means, 2 * j));
                metrics.put("ndcg@" + k + "_ci", rows.length == 0 ? null : Bootstrap.interval(means, 2 * j + 1));
                if (j == 0) {
                    metrics.putAll(retrieval(main, rows));
                }
                bySegment.computeIfAbsent(name, x -> new LinkedHashMap<>()).put(segment, metrics);
                Object ndcg = metrics.get("ndcg@" + k);
                if (j > 0 && ndcg instanceof Double d && d > bestNdcg) {
                    bestNdcg = d;
                    best = name;
                }
            }
            if (best != null && rows.length > 0) {
                int b = main.names.indexOf(best);
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("bestBaseline", best);
                c.put("ndcg@" + k + "_ratio", ratio(main, segment, 0, best, "ndcg@" + k));
                c.put("ndcg@" + k + "_ratio_ci", rows.length == 0 ? null : Bootstrap.ratio(means, 1, 2 * b + 1));
                c.put("hr@" + k + "_ratio", ratio(main, segment, 0, best, "hr@" + k));
                c.put("hr@" + k + "_ratio_ci", rows.length == 0 ? null : Bootstrap.ratio(means, 0, 2 * b));
                c.put("verdict", verdict(Bootstrap.ratio(means, 1, 2 * b + 1), best, k));
                comparison.put(segment, c);
            }
        }

        Map<String, Map<String, Object>> models = new LinkedHashMap<>();
        bySegment.forEach((name, segs) -> models.put(name, segs.get("all")));
        Map<String, Map<String, Object>> ablationReport = new LinkedHashMap<>();
        for (int i = 1; i < results.size(); i++) {
            Replay.Result res = results.get(i);
            Ablation a = ablationList.get(i - 1);
            Map<String, Object> metrics = res.sums.get(res.model).get("all").toMap();
            metrics.putAll(retrieval(res, rows(res, "all")));
            models.put(res.model, metrics);
            Map<String, Object> ab = new LinkedHashMap<>();
            ab.put("kind", a.kind());
            ab.put("change", a.change());
            for (String segment : List.of("all", "seenItem")) {
                ab.put(segment, paired(bootstrap, main, res, segment, k));
            }
            ablationReport.put(res.model, ab);
        }

        Map<String, Map<String, List<Double>>> seriesModels = new LinkedHashMap<>();
        for (Replay.Result res : results) {
            res.series.forEach((name, buckets) -> {
                Map<String, List<Double>> m = new LinkedHashMap<>();
                for (String metric : List.of("hr@10", "ndcg@10", "mrr", "events")) {
                    List<Double> values = new ArrayList<>();
                    for (MetricSums b : buckets) {
                        Object v = b.toMap().get(metric);
                        values.add(v == null ? null : ((Number) v).doubleValue());
                    }
                    m.put(metric, values);
                }
                seriesModels.put(name, m);
            });
        }
        Map<String, Map<String, Object>> influence = influence(main);
        ablationReport.forEach((name, ab) -> {
            Map<String, Object> type = name.startsWith("ripple-without-")
                    ? influence.get(name.substring("ripple-without-".length())) : null;
            if (type != null) {
                type.put("withheld", ab.get("all"));
            }
        });
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("overrides", overrides);
        config.asMap().entrySet().stream()
                .filter(e -> REPORTED_SETTING_PREFIXES.stream().anyMatch(e.getKey()::startsWith))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> settings.put(e.getKey(), e.getValue()));
        settings.put("backtest.recent-half-life", options.recentHalfLife().toString());
        settings.put("backtest.horizon", options.horizon().toString());
        settings.put("backtest.bootstrap-resamples", options.resamples());
        BacktestReport.Phases phases = new BacktestReport.Phases(progress.seconds(BacktestProgress.Phase.READ),
                progress.seconds(BacktestProgress.Phase.SORT), progress.seconds(BacktestProgress.Phase.EMBED),
                main.seconds, main.rankSeconds, main.baselineSeconds,
                results.stream().skip(1).mapToDouble(x -> x.seconds).sum(), ablationWallSeconds,
                main.summarySeconds + (System.nanoTime() - reportStarted) / 1e9);
        return new BacktestReport(input.source(), input.events().size(), main.accepted, main.deadLetters,
                main.evaluated(), main.replayed / Math.max(main.seconds, 1e-9), main.seconds,
                Instant.ofEpochMilli(input.firstTime()).toString(), Instant.ofEpochMilli(input.lastTime()).toString(),
                options.ks(), options.targets().stream().sorted().map(Enum::name).toList(), excludeSeen,
                excludeSeen ? seenWindow : null, candidates, aucLogloss, confidence, input.features().size(), note,
                models, comparison, new BacktestReport.SegmentMetrics(Segments.DEFINITIONS, segmentEvents, bySegment),
                ablationReport, influence, main.weights, main.stateSizes,
                new BacktestReport.Series(bucketTimes(), seriesModels), phases, settings, null, null);
    }

    /** Whether the paired interval of ndcg ripple / best baseline lies above 1, below 1, or spans it. */
    private static String verdict(double[] ci, String best, int k) {
        if (ci == null) {
            return best + " scores nothing here: no ratio";
        }
        return ci[0] > 1 ? "ripple beats " + best + " on ndcg@" + k
                : ci[1] < 1 ? best + " beats ripple on ndcg@" + k
                : "no clear difference from " + best + " on ndcg@" + k;
    }

    /** Rows (evaluated-event positions) of a replay's result that fall in a segment. */
    static int[] rows(Replay.Result res, String segment) {
        int[] out = new int[res.count];
        int n = 0;
        for (int i = 0; i < res.count; i++) {
            if (Segments.contains(segment, res.masks[i])) {
                out[n++] = i;
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * Ripple's candidate recall over the rows, and its mean candidate count over those whose item the catalogue
     * knew before the event (no source can propose an unknown item, so its candidates are not retrieved).
     */
    private static Map<String, Object> retrieval(Replay.Result res, int[] rows) {
        long hit = 0;
        double candidates = 0;
        int counted = 0;
        for (int i : rows) {
            hit += res.retrieved[i] ? 1 : 0;
            if (res.candidates[i] != Replay.UNCOUNTED) {
                candidates += res.candidates[i];
                counted++;
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("candidateRecall", rows.length == 0 ? null : (double) hit / rows.length);
        m.put("meanCandidates", counted == 0 ? null : candidates / counted);
        return m;
    }

    private static Double ratio(Replay.Result main, String segment, int model, String baseline, String metric) {
        Object a = main.sums.get(main.names.get(model)).get(segment).toMap().get(metric);
        Object b = main.sums.get(baseline).get(segment).toMap().get(metric);
        return a instanceof Double x && b instanceof Double y && y > 0 ? x / y : null;
    }

    /**
     * An ablation against the main replay on the events both evaluated (by input position; a segment as the main
     * replay saw the event): both means and the paired difference ablation - main with its interval.
     */
    private static Map<String, Object> paired(Bootstrap bootstrap, Replay.Result main, Replay.Result ablated,
                                              String segment, int k) {
        float[] values = new float[Math.min(main.count, ablated.count) * 4];
        int rows = 0;
        int changed = 0;
        for (int i = 0, j = 0; i < main.count && j < ablated.count; ) {
            if (main.events[i] < ablated.events[j]) {
                i++;
            } else if (main.events[i] > ablated.events[j]) {
                j++;
            } else {
                if (Segments.contains(segment, main.masks[i])) {
                    int a = main.rank(i, 0);
                    int b = ablated.rank(j, 0);
                    changed += a != b ? 1 : 0;
                    values[rows * 4] = (float) Metrics.hit(a, k);
                    values[rows * 4 + 1] = (float) Metrics.ndcg(a, k);
                    values[rows * 4 + 2] = (float) Metrics.hit(b, k);
                    values[rows * 4 + 3] = (float) Metrics.ndcg(b, k);
                    rows++;
                }
                i++;
                j++;
            }
        }
        values = java.util.Arrays.copyOf(values, rows * 4);
        double[] mean = new double[4];
        for (int i = 0; i < values.length; i++) {
            mean[i % 4] += values[i];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("events", rows);
        // 0 means the change did nothing to any rank: e.g. a setting this build's ranker does not read
        m.put("eventsRankChanged", changed);
        if (rows == 0) {
            return m;
        }
        double[][] means = bootstrap.means(values, 4);
        for (String metric : List.of("hr@" + k, "ndcg@" + k)) {
            int col = metric.startsWith("hr") ? 0 : 1;
            m.put(metric + "_main", mean[col] / rows);
            m.put(metric, mean[col + 2] / rows);
            m.put(metric + "_delta", (mean[col + 2] - mean[col]) / rows);
            m.put(metric + "_delta_ci", Bootstrap.difference(means, col + 2, col));
        }
        return m;
    }

    private Map<String, Map<String, Object>> influence(Replay.Result main) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        ConversionLift.of(input.events(), options.horizon()).forEach((type, lift) -> {
            Map<String, Object> m = new LinkedHashMap<>(lift);
            double[] moves = main.weightMoves.get(type);
            m.put("meanDeltaNorm", moves == null ? null : moves[1] / moves[0]);
            double[] churn = main.churns.get(type);
            m.put("meanTopKChurn", churn == null ? null : churn[1] / churn[0]);
            m.put("topKChurnCi", churn == null ? null : meanInterval(churn));
            m.put("topKChurnEvents", churn == null ? 0 : (long) churn[0]);
            out.put(type.name(), m);
        });
        return out;
    }

    /**
     * A 95% interval of a mean from its count, sum and sum of squares (normal approximation: the sampled events are
     * many and independent); null for fewer than two.
     */
    static double[] meanInterval(double[] countSumSquares) {
        double n = countSumSquares[0];
        if (n < 2) {
            return null;
        }
        double mean = countSumSquares[1] / n;
        double variance = Math.max(0, (countSumSquares[2] - n * mean * mean) / (n - 1));
        double half = 1.96 * Math.sqrt(variance / n);
        return new double[] {mean - half, mean + half};
    }

    /** The middle of each event-time window of the series, ISO-8601. */
    private List<String> bucketTimes() {
        long first = input.firstTime();
        double width = (double) Math.max(1, input.lastTime() - first + 1) / options.buckets();
        List<String> out = new ArrayList<>();
        for (int b = 0; b < options.buckets(); b++) {
            out.add(Instant.ofEpochMilli(first + (long) ((b + 0.5) * width)).toString());
        }
        return out;
    }
}
