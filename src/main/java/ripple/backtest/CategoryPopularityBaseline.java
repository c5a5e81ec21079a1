package ripple.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import ripple.avro.BehaviorType;

/**
 * {@code recent+catpop}: the user's recent distinct items (most recent first), then the items of the user's recent
 * categories (the most recently touched category first; within one, by all-time popularity), then everything else
 * by all-time popularity. Ties within a level go to the lower catalogue index. An item's category is the first one
 * seen for it (the event's, else the catalogue's).
 *
 * <p>Ranks are counted, not sorted: category sizes give the offset of a category's block, and only the head of a
 * block or of the global order is walked, down to the cut-off.
 */
final class CategoryPopularityBaseline implements Baseline {
    static final int WINDOW = 24;
    static final int CATEGORIES = 24;

    private final CountOrder counts = new CountOrder();
    private final Map<String, Integer> categoryIds = new HashMap<>();
    private final List<Members> members = new ArrayList<>();
    private int[] categoryOf = new int[0];
    private final RecentWindows recentItems = new RecentWindows(WINDOW);
    /** Category ids, most recently touched first. */
    private final RecentWindows recentCategories = new RecentWindows(CATEGORIES);
    private int[] itemStamp = new int[1024];
    private int[] itemPos = new int[1024];
    private int[] excludedStamp = new int[1024];
    private int[] categoryStamp = new int[64];
    private int[] categoryPos = new int[64];
    private int epoch;

    @Override
    public String name() {
        return "recent+catpop";
    }

    @Override
    public void admit(int index, String category) {
        counts.admit(index);
        if (index >= categoryOf.length) {
            int n = Math.max(index + 1, Math.max(1024, categoryOf.length * 2));
            int from = categoryOf.length;
            categoryOf = Arrays.copyOf(categoryOf, n);
            Arrays.fill(categoryOf, from, n, -1);
            itemStamp = Arrays.copyOf(itemStamp, n);
            itemPos = Arrays.copyOf(itemPos, n);
            excludedStamp = Arrays.copyOf(excludedStamp, n);
        }
        assign(index, category);
    }

    private void assign(int item, String category) {
        if (category == null || categoryOf[item] >= 0) {
            return;
        }
        int id = categoryIds.computeIfAbsent(category, c -> {
            members.add(new Members());
            return members.size() - 1;
        });
        if (id >= categoryStamp.length) {
            categoryStamp = Arrays.copyOf(categoryStamp, categoryStamp.length * 2);
            categoryPos = Arrays.copyOf(categoryPos, categoryPos.length * 2);
        }
        categoryOf[item] = id;
        members.get(id).add(item);
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        assign(item, category);
        int c = categoryOf[item];
        // the category's order is keyed by the count: take the item out while the count changes
        if (c >= 0) {
            members.get(c).remove(item);
        }
        counts.increment(item);
        if (c >= 0) {
            members.get(c).add(item);
            recentCategories.touch(user, c);
        }
        recentItems.touch(user, item);
    }

    @Override
    public Metrics.Outcome evaluate(int user, int item, int[] negatives, int[] excluded, int maxRank) {
        epoch++;
        // excluded items leave every level: stamped first, so the recent list below skips them
        for (int j : excluded) {
            excludedStamp[j] = epoch;
        }
        int[] items = recentItems.get(user);
        int listed = 0;
        for (int p = 0; p < items.length; p++) {
            itemStamp[items[p]] = epoch;
            // positions count only the listed (not excluded) recent items
            itemPos[items[p]] = excluded(items[p]) ? -1 : listed++;
        }
        int[] categories = recentCategories.get(user);
        for (int q = 0; q < categories.length; q++) {
            categoryStamp[categories[q]] = epoch;
            categoryPos[categories[q]] = q;
        }
        // per user category, how many of its items are not in its block: recent items (listed above it) and
        // excluded items (listed nowhere); each counted once
        int[] hiddenIn = new int[categories.length];
        for (int r : items) {
            if (userCategory(r)) {
                hiddenIn[categoryPos[categoryOf[r]]]++;
            }
        }
        for (int j : excluded) {
            if (!recent(j) && userCategory(j)) {
                hiddenIn[categoryPos[categoryOf[j]]]++;
            }
        }
        return new Metrics.Outcome(rank(item, maxRank, listed, categories, hiddenIn), auc(item, negatives),
                Double.NaN);
    }

    private boolean recent(int j) {
        return itemStamp[j] == epoch;
    }

    private boolean excluded(int j) {
        return excludedStamp[j] == epoch;
    }

    /** Not in the category blocks nor in the rest: listed as a recent item, or excluded. */
    private boolean hidden(int j) {
        return recent(j) || excluded(j);
    }

    private boolean userCategory(int j) {
        int c = categoryOf[j];
        return c >= 0 && categoryStamp[c] == epoch;
    }

    private int rank(int item, int maxRank, int recentCount, int[] categories, int[] hiddenIn) {
        if (item < 0 || excluded(item)) {
            return 0;
        }
        if (recent(item)) {
            int r = itemPos[item] + 1;
            return r <= maxRank ? r : 0;
        }
        long offset = recentCount;
        if (userCategory(item)) {
            int q = categoryPos[categoryOf[item]];
            for (int k = 0; k < q; k++) {
                offset += members.get(categories[k]).size() - hiddenIn[k];
            }
            int position = (int) offset;
            Members block = members.get(categories[q]);
            for (int m = 0; m < block.size && position < maxRank; m++) {
                int j = block.items[m];
                if (hidden(j)) {
                    continue;
                }
                position++;
                if (j == item) {
                    return position;
                }
            }
            return 0;
        }
        for (int k = 0; k < categories.length; k++) {
            offset += members.get(categories[k]).size() - hiddenIn[k];
        }
        if (offset >= maxRank) {
            return 0;
        }
        int below = counts.rank(item, maxRank - (int) offset, j -> hidden(j) || userCategory(j));
        return below == 0 ? 0 : (int) offset + below;
    }

    /**
     * A category's items, best first: the higher count, then the lower index. A sorted array: categories are
     * small, and shifting part of one on a change costs less than a tree's boxed nodes.
     */
    private final class Members {
        int[] items = new int[4];
        int size;

        /** Where the item is, or would go, under the counts as they are now. */
        private int position(int item) {
            int lo = 0;
            int hi = size;
            int c = counts.count(item);
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                int j = items[mid];
                int cj = counts.count(j);
                if (cj > c || cj == c && j < item) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }

        void add(int item) {
            int at = position(item);
            if (at < size && items[at] == item) {
                return;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            System.arraycopy(items, at, items, at + 1, size - at);
            items[at] = item;
            size++;
        }

        void remove(int item) {
            int at = position(item);
            if (at < size && items[at] == item) {
                System.arraycopy(items, at + 1, items, at, size - at - 1);
                size--;
            }
        }

        int size() {
            return size;
        }
    }

    /** Level 0: recent item; 1: in a user category; 2: the rest. */
    private int level(int j) {
        return recent(j) ? 0 : userCategory(j) ? 1 : 2;
    }

    /** Within a level, smaller is better; equal keys are ties (the index decides the rank, not the AUC). */
    private double key(int j, int level) {
        return switch (level) {
            case 0 -> itemPos[j];
            // categories first by position, then by count: counts are below 2^31, positions few
            case 1 -> categoryPos[categoryOf[j]] * 4.0e9 - (double) counts.count(j);
            default -> -(double) counts.count(j);
        };
    }

    private double auc(int item, int[] negatives) {
        if (item < 0 || negatives == null || negatives.length == 0) {
            return Double.NaN;
        }
        int level = level(item);
        double key = key(item, level);
        double wins = 0;
        for (int j : negatives) {
            int lj = level(j);
            if (lj != level) {
                wins += lj > level ? 1 : 0;
                continue;
            }
            double kj = key(j, lj);
            wins += kj > key ? 1 : kj == key ? 0.5 : 0;
        }
        return wins / negatives.length;
    }
}
