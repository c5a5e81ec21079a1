package ripple.backtest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Item-to-item "what came next": counts, over all users, how often item i followed item j in a user's history
 * (within the user's last {@link #HISTORY} distinct items), and scores an item for a user by summing those counts
 * over the user's own recent items. Items no recent item led to score 0 and are ordered by global popularity, as a
 * deployed co-occurrence recommender would fill its list; without that every cold user's list would be arbitrary.
 * AUC compares (co-occurrence, popularity) pairs; log loss is not defined.
 */
final class CoOccurrenceBaseline implements Baseline {
    static final int HISTORY = 5;

    private final PopularityBaseline popularity;
    private final Map<Integer, Map<Integer, Integer>> follows = new HashMap<>();
    private final Map<String, Deque<Integer>> recent = new HashMap<>();

    /** @param popularity all-time popularity, learned by the caller on the same events */
    CoOccurrenceBaseline(PopularityBaseline popularity) {
        this.popularity = popularity;
    }

    @Override
    public String name() {
        return "cooccurrence";
    }

    @Override
    public void admit(int index) {
        // candidates are read from the popularity order
    }

    @Override
    public Metrics.Outcome evaluate(String user, int item, int[] negatives, int maxRank) {
        Map<Integer, Integer> next = neighbours(user);
        int c = item < 0 ? 0 : next.getOrDefault(item, 0);
        double pop = popularity.score(item);
        int rank;
        if (item < 0) {
            rank = 0;
        } else if (c > 0) {
            int better = 0;
            for (Map.Entry<Integer, Integer> n : next.entrySet()) {
                if (compare(n.getValue(), popularity.score(n.getKey()), n.getKey(), c, pop, item) > 0) {
                    better++;
                }
            }
            rank = better < maxRank ? better + 1 : 0;
        } else {
            int below = popularity.order().rank(item, maxRank - next.size(), next::containsKey);
            rank = below == 0 ? 0 : next.size() + below;
        }
        double wins = 0;
        for (int neg : negatives) {
            int cmp = compare(c, pop, 0, next.getOrDefault(neg, 0), popularity.score(neg), 0);
            wins += cmp > 0 ? 1 : cmp == 0 ? 0.5 : 0;
        }
        return new Metrics.Outcome(rank, negatives.length == 0 ? Double.NaN : wins / negatives.length, Double.NaN);
    }

    /** Order of (co-occurrence desc, popularity desc, index asc): positive when a comes first. */
    private static int compare(int ca, double pa, int ia, int cb, double pb, int ib) {
        if (ca != cb) {
            return Integer.compare(ca, cb);
        }
        if (pa != pb) {
            return Double.compare(pa, pb);
        }
        return Integer.compare(ib, ia);
    }

    private Map<Integer, Integer> neighbours(String user) {
        Map<Integer, Integer> out = new HashMap<>();
        Deque<Integer> history = recent.get(user);
        if (history != null) {
            for (int j : history) {
                Map<Integer, Integer> row = follows.get(j);
                if (row != null) {
                    row.forEach((i, n) -> out.merge(i, n, Integer::sum));
                }
            }
        }
        return out;
    }

    @Override
    public void learn(String user, int item, long time) {
        Deque<Integer> history = recent.computeIfAbsent(user, u -> new ArrayDeque<>(HISTORY + 1));
        for (int j : history) {
            if (j != item) {
                follows.computeIfAbsent(j, x -> new HashMap<>()).merge(item, 1, Integer::sum);
            }
        }
        history.remove(item);
        history.addFirst(item);
        if (history.size() > HISTORY) {
            history.removeLast();
        }
    }
}
