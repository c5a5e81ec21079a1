package ripple.backtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import ripple.config.RippleConfig;
import ripple.scoring.ScoringSettings;

/**
 * Replays one input under one or more settings (a grid), each as a main replay (Ripple and the baselines in the
 * same pass) plus one replay per ablation, in parallel; and builds the report. Replays share nothing but the
 * read-only input, so they may run on separate threads.
 */
public final class Backtest {
    /** Ablation replays: the model name in the report and the {@code features.ablate} value. */
    static final Map<String, String> ABLATIONS = ablations();
    private static final List<String> REPORTED_SETTING_PREFIXES = List.of("features.", "learning.", "scoring.", "events.");

    private static Map<String, String> ablations() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ripple-no-text", "text");
        m.put("ripple-no-influence", "influence");
        m.put("ripple-no-context", "context");
        return m;
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
            c = c.with(o.getKey(), o.getValue());
        }
        ScoringSettings.from(c);
        return c;
    }

    /** Runs every replay and returns the report: the first setting's figures, plus a {@code grid} list when several. */
    public Map<String, Object> run(List<Map<String, String>> settings, BacktestProgress progress) {
        List<RippleConfig> configs = settings.stream().map(s -> configFor(base, s)).toList();
        Path work;
        try {
            work = Files.createTempDirectory("ripple-backtest-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long started = System.nanoTime();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, configs.size() * (ablations ? 4 : 1)));
        try {
            List<List<Future<Replay.Result>>> futures = new ArrayList<>();
            int n = 0;
            for (RippleConfig config : configs) {
                List<Future<Replay.Result>> runs = new ArrayList<>();
                Path dir = work.resolve("run-" + n++);
                runs.add(pool.submit(() -> new Replay("ripple", config, true, input, options, dir.resolve("ripple"), done).run()));
                if (ablations) {
                    for (Map.Entry<String, String> a : ABLATIONS.entrySet()) {
                        RippleConfig ablated = config.with("features.ablate", a.getValue());
                        runs.add(pool.submit(() -> new Replay(a.getKey(), ablated, false, input, options,
                                dir.resolve(a.getKey()), done).run()));
                    }
                }
                futures.add(runs);
            }
            long total = (long) input.events().size() * futures.stream().mapToInt(List::size).sum();
            pool.shutdown();
            while (!pool.awaitTermination(200, TimeUnit.MILLISECONDS)) {
                progress.update(done.get(), total);
            }
            progress.update(done.get(), total);
            progress.finish();
            List<Map<String, Object>> reports = new ArrayList<>();
            for (int i = 0; i < configs.size(); i++) {
                List<Replay.Result> results = new ArrayList<>();
                for (Future<Replay.Result> f : futures.get(i)) {
                    results.add(f.get());
                }
                reports.add(report(settings.get(i), configs.get(i), results));
            }
            Map<String, Object> report = new LinkedHashMap<>(reports.get(0));
            report.put("wallSeconds", (System.nanoTime() - started) / 1e9);
            if (reports.size() > 1) {
                report.put("grid", reports);
            }
            return report;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("backtest interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
            delete(work);
        }
    }

    private Map<String, Object> report(Map<String, String> overrides, RippleConfig config, List<Replay.Result> results) {
        Replay.Result main = results.get(0);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("source", input.source());
        r.put("events", input.events().size());
        r.put("accepted", main.accepted);
        r.put("deadLetters", main.deadLetters);
        r.put("evaluated", main.evaluated);
        r.put("eventsPerSec", main.replayed / Math.max(main.seconds, 1e-9));
        r.put("replaySeconds", main.seconds);
        r.put("from", Instant.ofEpochMilli(input.firstTime()).toString());
        r.put("to", Instant.ofEpochMilli(input.lastTime()).toString());
        r.put("k", options.ks());
        r.put("targets", options.targets().stream().sorted().map(Enum::name).toList());
        r.put("candidates", "the whole catalogue as it stood before each event (items with features or earlier "
                + "behaviour; " + main.catalogue + " at the end). Ripple ranks it with the scorer's exact top-K scan "
                + "from the user's state before the event (shared prior + user weights, read from the user-state and "
                + "global-prior stores), i.e. the score the scorer reports as scoreBefore. Ranks beyond "
                + options.maxK() + " count as misses, so mrr is MRR@" + options.maxK() + "; ties go to the earlier "
                + "catalogue item for every model.");
        r.put("aucLogloss", "against " + options.evalNegatives() + " negatives per event drawn uniformly from the "
                + "catalogue (the same draws for every model). Ripple's probability is sigmoid(R(u,i)); the baselines "
                + "have no probability: their auc comes from their scores and their logloss is null.");
        r.put("textItems", input.features().size());
        if (input.features().isEmpty()) {
            r.put("note", "no item text in this input: text features are zero for every item, so ripple-no-text "
                    + "is the same model as ripple; influence and context carry it.");
        }
        Map<String, Object> models = new LinkedHashMap<>();
        Map<String, Object> cold = new LinkedHashMap<>();
        cold.put("segments", "coldUser: the user's first event; coldItem: a known user, an item no one touched "
                + "before; warm: the rest");
        cold.put("events", main.segmentEvents);
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("times", bucketTimes());
        Map<String, Object> seriesModels = new LinkedHashMap<>();
        for (Replay.Result res : results) {
            res.models.forEach((name, sums) -> models.put(name, sums.toMap()));
            res.segments.forEach((name, segs) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                segs.forEach((s, sums) -> m.put(s, sums.toMap()));
                cold.put(name, m);
            });
            res.series.forEach((name, buckets) -> {
                Map<String, List<Double>> m = new LinkedHashMap<>();
                for (String metric : List.of("hr@10", "ndcg@10", "mrr")) {
                    List<Double> values = new ArrayList<>();
                    for (MetricSums b : buckets) {
                        values.add((Double) b.toMap().get(metric));
                    }
                    m.put(metric, values);
                }
                seriesModels.put(name, m);
            });
        }
        series.put("models", seriesModels);
        r.put("models", models);
        r.put("influence", influence(main));
        r.put("cold", cold);
        r.put("series", series);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("overrides", overrides);
        config.asMap().entrySet().stream()
                .filter(e -> REPORTED_SETTING_PREFIXES.stream().anyMatch(e.getKey()::startsWith))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> settings.put(e.getKey(), e.getValue()));
        settings.put("backtest.eval-negatives", options.evalNegatives());
        settings.put("backtest.recent-half-life", options.recentHalfLife().toString());
        settings.put("backtest.horizon", options.horizon().toString());
        settings.put("backtest.cooccurrence-history", CoOccurrenceBaseline.HISTORY);
        r.put("settings", settings);
        return r;
    }

    private Map<String, Object> influence(Replay.Result main) {
        Map<String, Object> out = new LinkedHashMap<>();
        ConversionLift.of(input.events(), options.horizon()).forEach((type, lift) -> {
            Map<String, Object> m = new LinkedHashMap<>(lift);
            double[] moves = main.weightMoves.get(type);
            m.put("meanDeltaNorm", moves == null ? null : moves[1] / moves[0]);
            m.put("meanTopKChurn", moves == null ? null : moves[2] / moves[0]);
            out.put(type.name(), m);
        });
        return out;
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

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary directory is not worth failing a finished backtest
        }
    }
}
