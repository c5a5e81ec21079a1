package ripple.backtest;

import java.util.HashMap;
import java.util.Map;
import ripple.avro.BehaviorType;

/**
 * Last-item successor (sequential rules): counts, over all users, how often item j came right after item i in a
 * user's sequence of distinct consecutive items. A user's score for j is the count from the user's last item, plus
 * half the count from the one before, plus a quarter from the one before that; the rest by popularity.
 */
final class SuccessorBaseline extends PersonalBaseline {
    static final double[] WEIGHTS = {1, 0.5, 0.25};

    private final RecentWindows recent = new RecentWindows(WEIGHTS.length);
    private final Map<Integer, IntCounts> follows = new HashMap<>();

    SuccessorBaseline(PopularityBaseline popularity) {
        super("successor", popularity);
    }

    @Override
    protected void personalise(String user) {
        int[] items = recent.get(user);
        for (int p = 0; p < items.length; p++) {
            IntCounts row = follows.get(items[p]);
            if (row != null) {
                double weight = WEIGHTS[p];
                row.forEach((j, c) -> add(j, weight * c));
            }
        }
    }

    @Override
    public void learn(String user, int item, long time, String category, BehaviorType type) {
        int last = recent.last(user);
        if (last >= 0 && last != item) {
            follows.computeIfAbsent(last, x -> new IntCounts()).add(item, 1);
        }
        recent.touch(user, item);
    }
}
