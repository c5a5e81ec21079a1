package ripple.backtest;

/**
 * Prequential metrics of one event, where the event's item is the one relevant item. A rank is 1-based within the
 * cut-off the evaluation looks at, and 0 when the item is further down (or not a candidate at all).
 */
public final class Metrics {
    /** Probabilities are clipped here before the log, so one confident miss costs a lot but not infinity. */
    static final double EPSILON = 1e-15;

    private Metrics() {
    }

    /** What one model made of one event: its rank, and how it separated the item from sampled negatives. */
    public record Outcome(int rank, double auc, double logloss) {
    }

    public static double hit(int rank, int k) {
        return rank >= 1 && rank <= k ? 1 : 0;
    }

    /** With one relevant item the ideal DCG is 1, so NDCG@k is the item's discounted gain. */
    public static double ndcg(int rank, int k) {
        return rank >= 1 && rank <= k ? 1 / (Math.log(rank + 1) / Math.log(2)) : 0;
    }

    /** 1/rank, 0 beyond the cut-off (MRR@cut-off). */
    public static double reciprocalRank(int rank) {
        return rank >= 1 ? 1.0 / rank : 0;
    }

    /** The probability that the positive outscores a random negative; ties count half. NaN without negatives. */
    public static double auc(double positive, double[] negatives) {
        if (negatives.length == 0) {
            return Double.NaN;
        }
        double wins = 0;
        for (double n : negatives) {
            wins += n < positive ? 1 : n == positive ? 0.5 : 0;
        }
        return wins / negatives.length;
    }

    /** Mean log loss of the positive (label 1) and the negatives (label 0), given predicted probabilities. */
    public static double logloss(double positive, double[] negatives) {
        double sum = -Math.log(clip(positive));
        for (double n : negatives) {
            sum -= Math.log(clip(1 - n));
        }
        return sum / (1 + negatives.length);
    }

    private static double clip(double p) {
        return Math.min(1 - EPSILON, Math.max(EPSILON, p));
    }
}
