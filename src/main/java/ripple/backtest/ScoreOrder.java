package ripple.backtest;

import java.util.Arrays;
import java.util.Iterator;
import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Candidates (catalogue indexes) kept sorted by a score that changes one item at a time, best first. Ties go to
 * the lower catalogue index, as in Ripple's own top-K scan, so every model breaks ties the same way. Ranks are only
 * needed down to a small cut-off, so a query walks the head of the order instead of counting the whole catalogue.
 */
final class ScoreOrder {
    private double[] scores = new double[1024];
    private int size;
    private final TreeSet<Integer> order = new TreeSet<>((a, b) -> {
        int c = Double.compare(scores[b], scores[a]);
        return c != 0 ? c : Integer.compare(a, b);
    });

    /** Adds the next catalogue index with a starting score. */
    void admit(int index, double score) {
        if (index != size) {
            throw new IllegalStateException("candidates join in catalogue order: expected " + size + ", got " + index);
        }
        if (size == scores.length) {
            scores = Arrays.copyOf(scores, size * 2);
        }
        scores[size++] = score;
        order.add(index);
    }

    int size() {
        return size;
    }

    double score(int index) {
        return scores[index];
    }

    void set(int index, double score) {
        order.remove(index);
        scores[index] = score;
        order.add(index);
    }

    /**
     * The target's 1-based position among the candidates that {@code skip} does not exclude, or 0 when it is
     * not within the first {@code maxRank} (or not a candidate).
     */
    int rank(int target, int maxRank, IntPredicate skip) {
        if (target < 0 || maxRank <= 0) {
            return 0;
        }
        int position = 0;
        for (Iterator<Integer> it = order.iterator(); it.hasNext() && position < maxRank; ) {
            int index = it.next();
            if (skip.test(index)) {
                continue;
            }
            position++;
            if (index == target) {
                return position;
            }
        }
        return 0;
    }
}
