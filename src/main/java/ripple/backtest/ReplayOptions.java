package ripple.backtest;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import ripple.avro.BehaviorType;

/**
 * How a backtest evaluates.
 *
 * @param ks              cut-offs of hr@k and ndcg@k; the largest is also MRR's cut-off
 * @param targets         behaviour types whose events are evaluated (all events are learned from)
 * @param resamples       bootstrap resamples behind every confidence interval
 * @param recentHalfLife  half-life of the recent-popularity baseline
 * @param horizon         how long after a behaviour a conversion counts towards its lift
 * @param buckets         number of event-time windows of the metrics-over-time series
 * @param seed            seed of the bootstrap
 * @param excludeSeen     every model skips the user's last {@code features.recent-items} distinct items (the
 *                        scorer's {@code scoring.exclude-seen}), so first-visit evaluations are fair to all
 */
public record ReplayOptions(List<Integer> ks, Set<BehaviorType> targets, int resamples, Duration recentHalfLife,
                            Duration horizon, int buckets, long seed, boolean excludeSeen) {

    public static ReplayOptions defaults() {
        return new ReplayOptions(List.of(5, 10, 20), EnumSet.complementOf(EnumSet.of(BehaviorType.UNKNOWN)), 500,
                Duration.ofHours(1), Duration.ofDays(1), 40, 1, false);
    }

    public ReplayOptions withTargets(Set<BehaviorType> v) {
        return new ReplayOptions(ks, Set.copyOf(v), resamples, recentHalfLife, horizon, buckets, seed, excludeSeen);
    }

    public ReplayOptions withHorizon(Duration v) {
        return new ReplayOptions(ks, targets, resamples, recentHalfLife, v, buckets, seed, excludeSeen);
    }

    public ReplayOptions withResamples(int v) {
        return new ReplayOptions(ks, targets, v, recentHalfLife, horizon, buckets, seed, excludeSeen);
    }

    public ReplayOptions withRecentHalfLife(Duration v) {
        return new ReplayOptions(ks, targets, resamples, v, horizon, buckets, seed, excludeSeen);
    }

    public ReplayOptions withExcludeSeen(boolean v) {
        return new ReplayOptions(ks, targets, resamples, recentHalfLife, horizon, buckets, seed, v);
    }

    int maxK() {
        return ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
