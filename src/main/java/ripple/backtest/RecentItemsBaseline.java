package ripple.backtest;

import ripple.avro.BehaviorType;

/**
 * {@code recent+pop}: the user's recent distinct items, most recent first, then everything else by all-time
 * popularity. On data where people return to what they looked at, this is the bar any personal model must clear.
 */
final class RecentItemsBaseline extends PersonalBaseline {
    static final int WINDOW = 24;

    private final RecentWindows recent = new RecentWindows(WINDOW);

    RecentItemsBaseline(PopularityBaseline popularity) {
        super("recent+pop", popularity);
    }

    @Override
    protected void personalise(int user) {
        int[] items = recent.get(user);
        for (int i = 0; i < items.length; i++) {
            add(items[i], WINDOW + 1 - i);
        }
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        recent.touch(user, item);
    }
}
