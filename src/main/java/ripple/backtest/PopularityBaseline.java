package ripple.backtest;

import java.time.Duration;
import java.util.function.IntPredicate;
import ripple.avro.BehaviorType;

/**
 * Ranks items by how often anyone touched them: all-time counts, or counts decayed with a half-life. Both orders
 * are the same for every user, so they rank from one sorted order. Decayed counts are kept as the log of
 * sum(2^((t - t0) / halfLife)): every item's true decayed count is this times the same factor 2^(-(now - t0) /
 * halfLife), so the order never needs re-sorting as time passes, and the log keeps long replays from overflowing.
 * Without a probability, AUC comes from the scores and log loss is not defined (null in the report).
 */
final class PopularityBaseline implements Baseline {
    private final String name;
    /** Log-count growth per millisecond; 0 for all-time counts. */
    private final double lambda;
    /** All-time counts (only ever +1) in a count order; decayed ones in a score order. */
    private final CountOrder counts;
    private final ScoreOrder order;
    private long origin = Long.MIN_VALUE;

    /** @param halfLife null for all-time counts */
    PopularityBaseline(String name, Duration halfLife) {
        this.name = name;
        this.lambda = halfLife == null ? 0 : Math.log(2) / halfLife.toMillis();
        this.counts = lambda == 0 ? new CountOrder() : null;
        this.order = lambda == 0 ? null : new ScoreOrder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void admit(int index, String category) {
        if (counts != null) {
            counts.admit(index);
        } else {
            order.admit(index, Double.NEGATIVE_INFINITY);
        }
    }

    @Override
    public Metrics.Outcome evaluate(int user, int item, int[] negatives, int[] excluded, int maxRank) {
        double auc = Double.NaN;
        if (item >= 0 && negatives != null && negatives.length > 0) {
            double target = score(item);
            double wins = 0;
            for (int j : negatives) {
                double s = score(j);
                wins += s < target ? 1 : s == target ? 0.5 : 0;
            }
            auc = wins / negatives.length;
        }
        // excluded sets are small (features.recent-items, at most 255): a scan per walked item is cheap
        IntPredicate skip = excluded.length == 0 ? i -> false : i -> contains(excluded, i);
        int rank = skip.test(item) ? 0 : rank(item, maxRank, skip);
        return new Metrics.Outcome(rank, auc, Double.NaN);
    }

    static boolean contains(int[] items, int item) {
        for (int i : items) {
            if (i == item) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        if (counts != null) {
            counts.increment(item);
            return;
        }
        if (origin == Long.MIN_VALUE) {
            origin = time;
        }
        double s = order.score(item);
        double add = lambda * (time - origin);
        // log(e^s + e^add) without overflow
        double hi = Math.max(s, add);
        order.set(item, s == Double.NEGATIVE_INFINITY ? add : hi + Math.log1p(Math.exp(Math.min(s, add) - hi)));
    }

    double score(int item) {
        return item < 0 ? initial() : counts != null ? counts.count(item) : order.score(item);
    }

    /** The item's 1-based position in this order among the items {@code skip} keeps; 0 beyond {@code maxRank}. */
    int rank(int item, int maxRank, IntPredicate skip) {
        return counts != null ? counts.rank(item, maxRank, skip) : order.rank(item, maxRank, skip);
    }

    private double initial() {
        return lambda == 0 ? 0 : Double.NEGATIVE_INFINITY;
    }
}
