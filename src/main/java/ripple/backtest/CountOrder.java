package ripple.backtest;

import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Candidates (catalogue indexes) ordered by an all-time count that only ever grows by one: the highest count
 * first, ties to the lower catalogue index, the order a {@link ScoreOrder} keeps over the same counts. Each count
 * has its set of items (a bit set over catalogue indexes, with a summary bit per non-empty word), so an increment
 * moves one bit between two sets, where the tree re-placed a boxed node at a cache miss per level (most of a
 * popularity baseline's time); a rank walks the sets from the highest count down, to the cut-off.
 */
final class CountOrder {
    private int[] counts = new int[1024];
    private int size;
    private IndexSet[] byCount = new IndexSet[16];
    /** The highest count any item has. */
    private int max;

    /** Adds the next catalogue index, with a count of 0. */
    void admit(int index) {
        if (index != size) {
            throw new IllegalStateException("candidates join in catalogue order: expected " + size + ", got " + index);
        }
        if (size == counts.length) {
            counts = Arrays.copyOf(counts, size * 2);
        }
        size++;
        items(0).add(index);
    }

    int size() {
        return size;
    }

    int count(int index) {
        return counts[index];
    }

    /** One more for the item. */
    void increment(int index) {
        int c = counts[index];
        byCount[c].remove(index);
        counts[index] = c + 1;
        items(c + 1).add(index);
        max = Math.max(max, c + 1);
    }

    private IndexSet items(int count) {
        if (count == byCount.length) {
            byCount = Arrays.copyOf(byCount, count * 2);
        }
        IndexSet s = byCount[count];
        if (s == null) {
            s = byCount[count] = new IndexSet();
        }
        return s;
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
        for (int c = max; c >= 0 && position < maxRank; c--) {
            IndexSet s = byCount[c];
            if (s == null) {
                continue;
            }
            for (int j = s.next(0); j >= 0 && position < maxRank; j = s.next(j + 1)) {
                if (skip.test(j)) {
                    continue;
                }
                position++;
                if (j == target) {
                    return position;
                }
            }
        }
        return 0;
    }

    /** A set of non-negative ints, iterated in ascending order. */
    static final class IndexSet {
        private long[] words = new long[16];
        /** Bit w set when words[w] is not 0. */
        private long[] summary = new long[1];

        void add(int i) {
            int w = i >>> 6;
            if (w >= words.length) {
                words = Arrays.copyOf(words, Math.max(w + 1, words.length * 2));
                summary = Arrays.copyOf(summary, (words.length + 63) >>> 6);
            }
            words[w] |= 1L << i;
            summary[w >>> 6] |= 1L << w;
        }

        void remove(int i) {
            int w = i >>> 6;
            if (w < words.length) {
                words[w] &= ~(1L << i);
                if (words[w] == 0) {
                    summary[w >>> 6] &= ~(1L << w);
                }
            }
        }

        /** The smallest member at or above {@code from}, or -1. */
        int next(int from) {
            int w = from >>> 6;
            if (w >= words.length) {
                return -1;
            }
            long word = words[w] & (-1L << from);
            if (word != 0) {
                return (w << 6) + Long.numberOfTrailingZeros(word);
            }
            int after = w + 1;
            int s = after >>> 6;
            if (s >= summary.length) {
                return -1;
            }
            long bits = summary[s] & (-1L << after);
            while (bits == 0) {
                if (++s >= summary.length) {
                    return -1;
                }
                bits = summary[s];
            }
            int nw = (s << 6) + Long.numberOfTrailingZeros(bits);
            return (nw << 6) + Long.numberOfTrailingZeros(words[nw]);
        }
    }
}
