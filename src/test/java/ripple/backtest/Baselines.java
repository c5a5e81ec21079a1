package ripple.backtest;

import ripple.avro.BehaviorType;

/** Feeding hand-made sequences to baselines in tests: candidates 0..n-1, views by user, ranks read back. */
final class Baselines {
    static final BehaviorType VIEW = BehaviorType.BROWSE;

    private Baselines() {
    }

    static void admit(int n, Baseline... models) {
        for (int i = 0; i < n; i++) {
            for (Baseline b : models) {
                b.admit(i, null);
            }
        }
    }

    static void learn(String user, int item, Baseline... models) {
        for (Baseline b : models) {
            b.learn(user, item, 0, null, VIEW);
        }
    }

    /** One user's views of several items, in order. */
    static void learn(Baseline b, String user, int... items) {
        for (int item : items) {
            b.learn(user, item, 0, null, VIEW);
        }
    }

    /** The rank of each item 0..n-1, with {@code excluded} skipped. */
    static int[] ranks(Baseline b, String user, int n, int[] excluded) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.evaluate(user, i, new int[0], excluded, 20).rank();
        }
        return out;
    }
}
