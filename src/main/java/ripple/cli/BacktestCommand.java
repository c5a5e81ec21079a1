package ripple.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import ripple.avro.BehaviorType;
import ripple.backtest.Backtest;
import ripple.backtest.BacktestProgress;
import ripple.backtest.BacktestReport;
import ripple.backtest.ReplayInput;
import ripple.backtest.ReplayInputs;
import ripple.backtest.ReplayOptions;
import ripple.backtest.ReportWriter;
import ripple.config.ConfigException;
import ripple.config.RippleConfig;
import ripple.dev.SyntheticGenerator;
import ripple.events.EventFileReader;
import ripple.topics.Topics;

/**
 * {@code ripple backtest}: replays behaviour (a file, the synthetic generator, or a topic) in event-time order
 * through the scoring topology, test-then-train, and reports Ripple's quality against baselines computed in the
 * same pass, ablations, and per-behaviour influence.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay behaviour through the live scoring code (test, then train) and report quality "
                + "against heuristic baselines computed in the same pass (popularity, recent items, categories, item-kNN, "
                + "successor rules, session-kNN, content kNN), per segment with bootstrap intervals, ablations of "
                + "Ripple, and per-behaviour influence."},
        footer = {"", "--format is taobao, csv, jsonl (files, as for import) or synthetic; with synthetic, --items is a",
                "number of items (default 240), embedded with the first of features.text.models.", "", "Examples:",
                "  ripple backtest --format taobao --input UserBehavior.csv --report out/",
                "  ripple backtest --format synthetic --events 20000 --seed 7 --users 300 --items 240 --report out/",
                "  ripple backtest --from-topic behavior-events --from 2026-01-01T00:00:00Z --report out/",
                "  ripple backtest --format synthetic --events 5000 --grid learning.rate=0.01,0.03,0.1"})
public final class BacktestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions configOptions;

    @Mixin
    EventFileOptions files;

    @Option(names = "--events", paramLabel = "N", description = "synthetic: number of events (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int syntheticEvents;

    @Option(names = "--seed", paramLabel = "S", description = "synthetic: generator seed (default: ${DEFAULT-VALUE}).",
            defaultValue = "42")
    long seed;

    @Option(names = "--users", paramLabel = "U", description = "synthetic: number of users (default: ${DEFAULT-VALUE}).",
            defaultValue = "300")
    int users;

    @Option(names = "--no-categories", description = {"synthetic: items and events carry no category (not in the "
            + "events, the item features nor the item text), so only what BERT reads in the titles, tags and "
            + "descriptions can tell the topics apart."})
    boolean noCategories;

    @Option(names = "--from-topic", paramLabel = "TOPIC",
            description = "Replay this topic (read with a plain consumer, no group: live offsets and state are untouched).")
    String fromTopic;

    @Option(names = "--from", paramLabel = "TIME", description = "--from-topic: first event time (ISO-8601).")
    Instant from;

    @Option(names = "--to", paramLabel = "TIME", description = "--from-topic: end of event time, exclusive (ISO-8601).")
    Instant to;

    @Option(names = "--limit", paramLabel = "N", description = "Replay only the first N events (in event time).")
    Integer limit;

    @Option(names = "--targets", paramLabel = "TYPE,...", split = ",",
            description = "Behaviour types to evaluate (default: all); every event is still learned from.")
    List<BehaviorType> targets;

    @Option(names = "--horizon", paramLabel = "DURATION", defaultValue = "1d", converter = DurationConverter.class,
            description = "How long after a behaviour a conversion counts for its lift (default: 1d).")
    Duration horizon;

    @Option(names = "--max-span", paramLabel = "DURATION", defaultValue = "10950d", converter = DurationConverter.class,
            description = {"Files: events further than this before the newest event in the file are rejected as bad "
                    + "rows (default: 10950d, about 30 years). A replay's floor is relative to its data, "
                    + "not events.min-timestamp, which is meant for live streams: real history is kept, a broken "
                    + "timestamp such as 15 (1970) is not."})
    Duration maxSpan;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a Ripple setting, e.g. learning.rate=0.05.")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(names = "--grid", paramLabel = "KEY=V1,V2,...",
            description = "Run once per value (several --grid: every combination), reporting each.")
    List<String> grid = new ArrayList<>();

    @Option(names = "--no-ablations", description = "Skip the ablation replays (feature groups, candidate sources, withheld behaviour types).")
    boolean noAblations;

    @Option(names = "--exclude-seen", description = {"Every model, Ripple included, skips the user's last "
            + "features.recent-items distinct items (sets scoring.exclude-seen=true): fair first-visit evaluations. "
            + "An event whose item is among them is a miss for every model; read the newToUser segment."})
    boolean excludeSeen;

    @Option(names = "--bootstrap", paramLabel = "N", defaultValue = "500",
            description = "Bootstrap resamples behind every confidence interval (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--recent-half-life", paramLabel = "DURATION", defaultValue = "1h", converter = DurationConverter.class,
            description = "Half-life of the recent-popularity baseline (default: 1h).")
    Duration recentHalfLife;

    @Option(names = "--threads", paramLabel = "N", description = "Replays run in parallel (default: one per core).")
    Integer threads;

    @Option(names = "--report", paramLabel = "DIR", description = "Write DIR/report.json, DIR/report.html and DIR/windows.csv (metrics per event-time window and model).")
    Path reportDir;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RippleConfig config;
        List<Map<String, String>> settings;
        ReplayOptions options;
        try {
            config = configOptions.load();
            options = ReplayOptions.defaults()
                    .withHorizon(horizon)
                    .withRecentHalfLife(recentHalfLife)
                    .withResamples(resamples)
                    .withExcludeSeen(excludeSeen);
            if (targets != null) {
                options = options.withTargets(EnumSet.copyOf(targets));
            }
            settings = Backtest.settings(set, gridAxes());
            for (Map<String, String> s : settings) {
                Backtest.configFor(config, s);
            }
        } catch (ConfigException e) {
            return CliSupport.configError(err, "backtest", e);
        }
        int cores = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        // progress on stderr, so that the summary on stdout can be redirected: ripple backtest ... > summary.txt
        BacktestProgress progress = new BacktestProgress(err, Terminals.stderr());
        ReplayInput input;
        try {
            input = input(config, cores, out, progress);
        } catch (ConfigException e) {
            return CliSupport.configError(err, "backtest", e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            return CliSupport.fail(err, "backtest", e.getMessage());
        }
        if (input.events().isEmpty()) {
            return CliSupport.fail(err, "backtest", "no events to replay");
        }
        // events.min-timestamp guards live streams; a replay's own data decides (see --max-span), so that real
        // history older than the live floor is replayed rather than dead-lettered.
        config = config.with("events.min-timestamp", input.events().get(0).getTimestamp().toString());
        BacktestReport report = new Backtest(config, input, options, !noAblations, cores)
                .run(settings, progress);
        printSummary(out, report);
        if (reportDir != null) {
            ReportWriter.write(report, reportDir);
            out.println("report: " + reportDir.resolve("report.json") + ", " + reportDir.resolve("report.html") + ", "
                    + reportDir.resolve("windows.csv"));
        }
        out.flush();
        return 0;
    }

    /** The events and item features to replay. */
    private ReplayInput input(RippleConfig config, int cores, PrintWriter out, BacktestProgress progress)
            throws IOException {
        String format = files.format == null ? null : files.format.toLowerCase(Locale.ROOT);
        String textModel = config.list("features.text.models").get(0);
        if (fromTopic != null) {
            if (format != null || files.input != null) {
                throw usage("--from-topic replaces --format and --input");
            }
            String unreachable = CliSupport.checkKafka(config);
            if (unreachable != null) {
                throw new IllegalStateException(unreachable);
            }
            Topics topics = Topics.create(config, CliSupport.registry(config));
            return ReplayInputs.fromTopic(CliSupport.assignedConsumerProperties(config, "ripple-backtest-reader"),
                    fromTopic, topics.behaviorEvents.valueSerde().deserializer(), from, to, limit, progress, out);
        }
        if ("synthetic".equals(format)) {
            int items = files.items == null ? 240 : parseCount(files.items.toString());
            return ReplayInputs.synthetic(SyntheticGenerator.Settings.defaults().withSeed(seed).withUsers(users)
                    .withItems(items), syntheticEvents, noCategories, textModel, cores, limit, progress);
        }
        if (files.input == null) {
            throw usage("give --format taobao|csv|jsonl --input FILE, --format synthetic, or --from-topic TOPIC");
        }
        for (Path file : new Path[] {files.input, files.items}) {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("cannot read " + file.toAbsolutePath());
            }
        }
        // No floor yet: it is relative to the newest event (--max-span), known only once all are read.
        EventFileReader reader = files.eventReader().withTimestampRange(Instant.EPOCH.plusMillis(1),
                Instant.now().plus(config.duration("events.max-future-skew")));
        return ReplayInputs.fromFile(reader, files.input, files.items == null ? null : files.itemReader(), files.items,
                maxSpan, textModel, cores, limit, progress, out);
    }

    private Map<String, List<String>> gridAxes() {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        for (String g : grid) {
            int eq = g.indexOf('=');
            if (eq <= 0 || eq == g.length() - 1) {
                throw usage("--grid: expected KEY=V1,V2,..., got '" + g + "'");
            }
            axes.put(g.substring(0, eq).trim(), List.of(g.substring(eq + 1).split(",")));
        }
        return axes;
    }

    private int parseCount(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw usage("--format synthetic: --items is a number of items, got '" + text + "'");
        }
    }

    private static void printSummary(PrintWriter out, BacktestReport report) {
        BacktestReport.Phases phases = report.phases();
        int ablations = report.ablations() == null ? 0 : report.ablations().size();
        if (phases != null && ablations > 0 && phases.ablationWallSeconds() > 0) {
            int settings = report.grid() != null ? report.grid().size() : 1;
            long events = report.events() * (long) ablations * settings;
            out.printf(Locale.ROOT, "ablations: %d replays after the main one, %d events in %.1f s: %.0f events/s"
                    + " together%n", ablations * settings, events, phases.ablationWallSeconds(),
                    events / phases.ablationWallSeconds());
        }
        for (BacktestReport r : report.grid() != null ? report.grid() : List.of(report)) {
            out.printf(Locale.ROOT, "%s: %d events, %d evaluated, %.0f events/s, overrides %s%n", r.source(),
                    r.events(), r.evaluated(), r.eventsPerSec(), r.settings().get("overrides"));
            if (r.excludeSeen()) {
                out.printf(Locale.ROOT, "  exclude-seen: every model skips the user's last %s distinct items%n",
                        r.excludeSeenItems());
            }
            r.models().forEach((name, m) -> out.printf(Locale.ROOT,
                    "  %-24s hr@10 %s %s  ndcg@10 %s %s  mrr %s  auc %s  logloss %s%n", name, f(m.get("hr@10")),
                    ci(m.get("hr@10_ci")), f(m.get("ndcg@10")), ci(m.get("ndcg@10_ci")), f(m.get("mrr")),
                    f(m.get("auc")), f(m.get("logloss"))));
            Map<String, Object> all = r.comparison().get("all");
            if (all != null) {
                out.printf(Locale.ROOT, "  ripple / %s (best baseline): ndcg@10 %s %s%n", all.get("bestBaseline"),
                        f(all.get("ndcg@10_ratio")), ci(all.get("ndcg@10_ratio_ci")));
            }
        }
    }

    private static String ci(Object v) {
        return v instanceof double[] d && d.length == 2 ? "[" + f(d[0]) + ", " + f(d[1]) + "]" : "";
    }

    private static String f(Object v) {
        return v instanceof Double d && Double.isFinite(d) ? String.format(Locale.ROOT, "%.4f", d) : "  -   ";
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
