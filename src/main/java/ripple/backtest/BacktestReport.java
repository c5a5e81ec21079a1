package ripple.backtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A backtest's report, as {@code report.json} shows it: the fields in this order, under these names. Metric sets
 * stay maps keyed by metric name ({@code hr@10}, {@code ndcg@10_ci}, ...): their names depend on the cut-offs
 * asked for.
 *
 * @param excludeSeenItems how many recent items every model skipped; null without --exclude-seen
 * @param note             what this input lacks (no item text), or null
 * @param models           model name to its metrics over all evaluated events, ablations included
 * @param comparison       segment to Ripple against the best baseline there
 * @param ablations        ablation name to its kind, change and paired differences with the main replay
 * @param influence        behaviour type to its conversion lift and weight moves
 * @param settings         the overrides and every reported setting, by key
 * @param wallSeconds      the whole backtest's time; only on the outer report, not on grid entries
 * @param grid             one report per setting, when there were several; else null
 */
public record BacktestReport(
        String source,
        int events,
        long accepted,
        long deadLetters,
        long evaluated,
        double eventsPerSec,
        double replaySeconds,
        String from,
        String to,
        List<Integer> k,
        List<String> targets,
        boolean excludeSeen,
        Integer excludeSeenItems,
        String candidates,
        String aucLogloss,
        String confidence,
        int textItems,
        @JsonInclude(JsonInclude.Include.NON_NULL) String note,
        Map<String, Map<String, Object>> models,
        Map<String, Map<String, Object>> comparison,
        SegmentMetrics segments,
        Map<String, Map<String, Object>> ablations,
        Map<String, Map<String, Object>> influence,
        Map<String, Object> weights,
        Map<String, Object> userState,
        Series series,
        Phases phases,
        Map<String, Object> settings,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double wallSeconds,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<BacktestReport> grid) {

    /**
     * Every model's metrics per segment.
     *
     * @param events segment to its number of evaluated events
     * @param models model to segment to metrics
     */
    public record SegmentMetrics(String definitions, Map<String, Long> events,
                                 Map<String, Map<String, Map<String, Object>>> models) {
    }

    /**
     * Metrics per event-time window.
     *
     * @param times  the middle of each window, ISO-8601
     * @param models model to metric to one value per window (null where the window had no events)
     */
    public record Series(List<String> times, Map<String, Map<String, List<Double>>> models) {
    }

    /**
     * Where the time went, in seconds: reading the input (file or topic), sorting it by event time, embedding the
     * items, the main replay (of which Ripple's ranking for the evaluation; the baselines ran beside it, on a
     * thread of their own), the ablation replays (the sum of their times, and the wall time of all of them, after
     * the main replays and in parallel), and building the report (bootstrap intervals, and the summaries of the
     * main replay's final state: learned weights and state sizes).
     */
    public record Phases(double readSeconds, double sortSeconds, double embedSeconds, double mainReplaySeconds,
                         double rippleRankingSeconds, double baselineSeconds, double ablationReplaySeconds,
                         double ablationWallSeconds, double reportSeconds) {
    }

    /** This report with the whole run's time and, when there were several settings, every setting's report. */
    BacktestReport withRun(double wallSeconds, List<BacktestReport> grid) {
        return new BacktestReport(source, events, accepted, deadLetters, evaluated, eventsPerSec, replaySeconds, from,
                to, k, targets, excludeSeen, excludeSeenItems, candidates, aucLogloss, confidence, textItems, note,
                models, comparison, segments, ablations, influence, weights, userState, series, phases, settings,
                wallSeconds, grid);
    }
}
