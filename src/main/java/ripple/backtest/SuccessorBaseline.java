package ripple.backtest;

import java.util.Arrays;
import ripple.avro.BehaviorType;

/**
 * Last-item successor (sequential rules): counts, over all users, how often item j came right after item i in a
 * user's sequence of distinct consecutive items. A user's score for j is the count from the user's last item, plus
 * half the count from the one before, plus a quarter from the one before that; the rest by popularity.
 */
final class SuccessorBaseline extends PersonalBaseline {
    static final double[] WEIGHTS = {1, 0.5, 0.25};

    private final RecentWindows recent = new RecentWindows(WEIGHTS.length);
    /** By catalogue index, the counts of the items that came next (null: none yet); indexes are dense. */
    private IntCounts[] follows = new IntCounts[1024];

    SuccessorBaseline(PopularityBaseline popularity) {
        super("successor", popularity);
    }

    @Override
    protected void personalise(int user) {
        int[] items = recent.get(user);
        for (int p = 0; p < items.length; p++) {
            IntCounts row = items[p] < follows.length ? follows[items[p]] : null;
            if (row != null) {
                double weight = WEIGHTS[p];
                row.forEach((j, c) -> add(j, weight * c));
            }
        }
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        int last = recent.last(user);
        if (last >= 0 && last != item) {
            if (last >= follows.length) {
                follows = Arrays.copyOf(follows, Math.max(last + 1, follows.length * 2));
            }
            if (follows[last] == null) {
                follows[last] = new IntCounts();
            }
            follows[last].add(item, 1);
        }
        recent.touch(user, item);
    }
}
