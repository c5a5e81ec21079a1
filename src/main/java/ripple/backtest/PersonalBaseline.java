package ripple.backtest;

import java.util.Arrays;

/**
 * A baseline whose per-user scores are sparse: a handful of items get a personal score (co-occurrence, recency,
 * similarity), every other item scores 0 and is ordered by all-time popularity, as a deployed recommender fills its
 * list. An item's score is the pair (personal, popularity), compared in that order; equal pairs go to the lower
 * catalogue index. Items a subclass excludes are never recommended (they rank below everything, and a target that
 * is excluded is a miss).
 *
 * <p>Ranking every catalogue item per event would cost catalogue x events; instead the target's rank is counted:
 * among the personal items, how many beat it; below them, its position in the popularity order skipping the
 * personal items, walked only down to the cut-off. Per-event scores live in dense arrays stamped with an epoch, so
 * comparing the target with thousands of AUC negatives costs two array reads each.
 */
abstract class PersonalBaseline implements Baseline {
    private final String name;
    /** All-time popularity: the fill order and the second part of every score. Learned by its own owner. */
    protected final PopularityBaseline popularity;
    private double[] personal = new double[1024];
    private int[] stamp = new int[1024];
    private int epoch;
    private int[] listed = new int[64];
    private int listedCount;

    protected PersonalBaseline(String name, PopularityBaseline popularity) {
        this.name = name;
        this.popularity = popularity;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public void admit(int index, String category) {
        // candidates are read from the popularity order
    }

    /** Gives the user's personal scores through {@link #add}, {@link #raise} and {@link #exclude}. */
    protected abstract void personalise(int user);

    /** Adds to an item's personal score; non-positive amounts are ignored. */
    protected final void add(int item, double amount) {
        if (item < 0 || !(amount > 0)) {
            return;
        }
        if (mark(item)) {
            personal[item] = amount;
        } else {
            personal[item] += amount;
        }
    }

    /** Raises an item's personal score to at least {@code value}. */
    protected final void raise(int item, double value) {
        if (item < 0 || !(value > 0)) {
            return;
        }
        if (mark(item)) {
            personal[item] = value;
        } else {
            personal[item] = Math.max(personal[item], value);
        }
    }

    /** The item is never recommended to this user. */
    protected final void exclude(int item) {
        if (item >= 0) {
            mark(item);
            personal[item] = Double.NEGATIVE_INFINITY;
        }
    }

    /** Stamps the item for this event; true when it had no score yet. */
    private boolean mark(int item) {
        if (item >= stamp.length) {
            int n = Math.max(item + 1, stamp.length * 2);
            stamp = Arrays.copyOf(stamp, n);
            personal = Arrays.copyOf(personal, n);
        }
        if (stamp[item] == epoch) {
            return false;
        }
        stamp[item] = epoch;
        if (listedCount == listed.length) {
            listed = Arrays.copyOf(listed, listedCount * 2);
        }
        listed[listedCount++] = item;
        return true;
    }

    private boolean marked(int item) {
        return item < stamp.length && stamp[item] == epoch;
    }

    private double personal(int item) {
        return marked(item) ? personal[item] : 0;
    }

    @Override
    public final Metrics.Outcome evaluate(int user, int item, int[] negatives, int[] excluded, int maxRank) {
        epoch++;
        listedCount = 0;
        personalise(user);
        // after personalising, so no personal score can lift an excluded item back
        for (int j : excluded) {
            exclude(j);
        }
        return new Metrics.Outcome(rank(item, maxRank), auc(item, negatives), Double.NaN);
    }

    private int rank(int item, int maxRank) {
        if (item < 0) {
            return 0;
        }
        double p = personal(item);
        if (p == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        int scored = 0;
        int better = 0;
        for (int i = 0; i < listedCount; i++) {
            int j = listed[i];
            if (personal[j] > 0) {
                scored++;
                if (j != item && compare(j, item) > 0) {
                    better++;
                }
            }
        }
        if (p > 0) {
            return better < maxRank ? better + 1 : 0;
        }
        // every personal item is above the target; excluded ones are not candidates at all
        int below = popularity.rank(item, maxRank - scored, this::marked);
        return below == 0 ? 0 : scored + below;
    }

    /** Positive when a ranks above b: (personal, popularity) descending, then the lower index. */
    private int compare(int a, int b) {
        int c = Double.compare(personal(a), personal(b));
        if (c != 0) {
            return c;
        }
        c = Double.compare(popularity.score(a), popularity.score(b));
        return c != 0 ? c : Integer.compare(b, a);
    }

    /** Share of the negatives whose (personal, popularity) is below the target's; equal pairs count half. */
    private double auc(int item, int[] negatives) {
        if (item < 0 || negatives == null || negatives.length == 0) {
            return Double.NaN;
        }
        double p = personal(item);
        double pop = popularity.score(item);
        double wins = 0;
        for (int j : negatives) {
            double pj = personal(j);
            if (pj < p || pj == p && popularity.score(j) < pop) {
                wins++;
            } else if (pj == p && popularity.score(j) == pop) {
                wins += 0.5;
            }
        }
        return wins / negatives.length;
    }
}
