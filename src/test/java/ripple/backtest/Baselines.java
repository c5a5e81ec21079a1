package ripple.backtest;

import ripple.avro.BehaviorType;

/** Feeding hand-made sequences to baselines in tests: candidates 0..n-1, views by user, ranks read back. */
final class Baselines {
    static final BehaviorType VIEW = BehaviorType.BROWSE;
    /** Users, as the dense indexes a replay gives them. */
    static final int U = 0, V = 1, X = 2, Y = 3, A = 4, B = 5, C = 6, D = 7, NEW = 8;

    private Baselines() {
    }

    static void admit(int n, Baseline... models) {
        for (int i = 0; i < n; i++) {
            for (Baseline b : models) {
                b.admit(i, null);
            }
        }
    }

    static void learn(int user, int item, Baseline... models) {
        for (Baseline b : models) {
            b.learn(user, item, 0, null, VIEW);
        }
    }

    /** x views 1, 1, 4, then u views 2, 0, 2: popularity 1 (2), 4 (1), the rest 0; u's recent items 2, then 0. */
    static void xThenU(Baseline... models) {
        for (int[] view : new int[][] {{X, 1}, {X, 1}, {X, 4}, {U, 2}, {U, 0}, {U, 2}}) {
            learn(view[0], view[1], models);
        }
    }

    /** One user's views of several items, in order. */
    static void learn(Baseline b, int user, int... items) {
        for (int item : items) {
            b.learn(user, item, 0, null, VIEW);
        }
    }

    /** The rank of each item 0..n-1, with {@code excluded} skipped. */
    static int[] ranks(Baseline b, int user, int n, int[] excluded) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = b.evaluate(user, i, new int[0], excluded, 20).rank();
        }
        return out;
    }
}
