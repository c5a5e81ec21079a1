package ripple.scoring;

import java.util.Arrays;
import ripple.features.ItemCatalog;

/**
 * The candidates of one view, in the order first proposed, each with the {@link ripple.features.RetrievalSettings.Source}
 * bits of the sources that proposed it and a score a source may attach (co-occurrence). Keyed by catalogue index in
 * an open-addressing table: a view gathers several hundred candidates per event, and boxed hash maps of entries
 * were a fifth of a scoring step.
 */
public final class Candidates {
    /** The catalogue the indexes are of: an entry no source gave is looked up there when first asked for. */
    private final ItemCatalog catalog;
    /**
     * Each candidate's entry, by position, or null until asked for ({@link #entry}): a source that proposes
     * candidates by catalogue index alone (the text neighbours) does not read the catalogue's entry array, a cache
     * miss each, for the many candidates whose entry nothing reads.
     */
    private ItemCatalog.Entry[] entries;
    /** Each candidate's catalogue index, by position: sorting and probing never read the entries. */
    private int[] indexes;
    private int[] sources;
    private double[] scores;
    /** Position + 1 of the entry whose catalogue index hashes here, in a slot in use ({@link #stamps}). */
    private int[] slots;
    /** The catalogue index in each used slot: probing reads ints, never the entries (a cache miss each). */
    private int[] keys;
    /**
     * Per slot, the {@link #generation} that last used it: a slot is in use when its stamp is the current one, so
     * that emptying the table is one increment.
     */
    private int[] stamps;
    private int generation = 1;
    private int size;
    /** {@link #positionsByScore}'s keys and merge buffer, kept from sort to sort (grown with the table). */
    private long[] sortKeys = new long[0];
    private int[] sortBuffer = new int[0];

    Candidates(ItemCatalog catalog, int expected) {
        this.catalog = catalog;
        int capacity = Integer.highestOneBit(Math.max(16, expected) * 2 - 1);
        entries = new ItemCatalog.Entry[capacity];
        indexes = new int[capacity];
        sources = new int[capacity];
        scores = new double[capacity];
        slots = new int[capacity * 2];
        keys = new int[capacity * 2];
        stamps = new int[capacity * 2];
    }

    /**
     * Empties the table for another view, keeping its arrays: a view gathers several hundred candidates, and a
     * scoring step allocated four tables of up to 36 KB, whose zeroing was 7% of the step (JMH, 100k items) and
     * their garbage a third of the Taobao replay's allocation. A new generation leaves every slot unused at once;
     * clearing the slots in use one by one, each found by probing for it, was 3% of a scoring step. Positions are
     * reset as they are taken again ({@link #positionOf}).
     */
    void clear() {
        if (++generation == 0) { // wrapped after 2^32 views: stamps of 0 must not read as current
            Arrays.fill(stamps, 0);
            generation = 1;
        }
        size = 0;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The candidate at a position, in the order first proposed. */
    public ItemCatalog.Entry entry(int position) {
        ItemCatalog.Entry e = entries[position];
        if (e == null) {
            e = catalog.entry(indexes[position]);
            entries[position] = e;
        }
        return e;
    }

    /** The catalogue index of the candidate at a position. */
    int indexAt(int position) {
        return indexes[position];
    }

    /** The source bits of the candidate at a position. */
    public int sourcesAt(int position) {
        return sources[position];
    }

    /** The score a source attached to the candidate at a position, or 0. */
    double scoreAt(int position) {
        return scores[position];
    }

    public boolean contains(ItemCatalog.Entry e) {
        return e != null && find(e.index) >= 0;
    }

    /** The candidate's source bits, or 0 when no source proposed it. */
    public int sources(ItemCatalog.Entry e) {
        int p = e == null ? -1 : find(e.index);
        return p < 0 ? 0 : sources[p];
    }

    /** The score a source attached to the candidate, or 0. */
    double score(ItemCatalog.Entry e) {
        int p = e == null ? -1 : find(e.index);
        return p < 0 ? 0 : scores[p];
    }

    /**
     * Positions of every candidate, by attached score (highest first), equal scores by catalogue index (lowest
     * first). The order is total (indexes are distinct), so any correct sort gives it: runs of {@link #RUN}
     * sorted by insertion, then merged bottom-up, comparing each score as a long that orders as
     * {@link Double#compare} does. A top-down merge sort over boxed-free ints compared with Double.compare was 5% of
     * a scoring step (the view before an event sorts about 150 co-occurrence neighbours).
     */
    int[] positionsByScore() {
        int n = size;
        if (sortKeys.length < n) {
            sortKeys = new long[entries.length];
        }
        if (sortBuffer.length < n) {
            sortBuffer = new int[entries.length];
        }
        long[] keys = sortKeys;
        for (int i = 0; i < n; i++) {
            keys[i] = orderedBits(scores[i]);
        }
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = i;
        }
        int[] a = sorted;
        for (int from = 0; from < n; from += RUN) {
            insertionSort(a, keys, from, Math.min(n, from + RUN));
        }
        int[] b = sortBuffer;
        for (int width = RUN; width < n; width *= 2) {
            for (int from = 0; from < n; from += 2 * width) {
                merge(a, b, keys, from, Math.min(n, from + width), Math.min(n, from + 2 * width));
            }
            int[] t = a;
            a = b;
            b = t;
        }
        if (a != sorted) {
            System.arraycopy(a, 0, sorted, 0, n); // an odd number of merge passes ended in the buffer
        }
        return sorted;
    }

    /** Runs sorted by insertion before merging: below a few dozen, insertion beats merging. */
    private static final int RUN = 16;

    /** The double's bits as a long whose signed order is {@link Double#compare}'s (NaN greatest, -0.0 below 0.0). */
    private static long orderedBits(double d) {
        long bits = Double.doubleToLongBits(d);
        return bits ^ ((bits >> 63) & Long.MAX_VALUE);
    }

    /** Whether position p comes strictly before q: a higher score, or an equal one and a lower catalogue index. */
    private boolean before(int p, int q, long[] keys) {
        return keys[p] > keys[q] || keys[p] == keys[q] && indexes[p] < indexes[q];
    }

    private void insertionSort(int[] a, long[] keys, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            int x = a[i];
            int j = i - 1;
            while (j >= from && before(x, a[j], keys)) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    /** Merges the sorted a[from..mid) and a[mid..to) into out[from..to). */
    private void merge(int[] a, int[] out, long[] keys, int from, int mid, int to) {
        int i = from;
        int j = mid;
        for (int k = from; k < to; k++) {
            out[k] = j >= to || i < mid && !before(a[j], a[i], keys) ? a[i++] : a[j++];
        }
    }

    /** Sets the score of every candidate that {@code other} holds to its score there (other candidates keep theirs). */
    void takeScores(Candidates other) {
        for (int i = 0; i < other.size; i++) {
            int p = find(other.indexes[i]);
            if (p >= 0) {
                scores[p] = other.scores[i];
            }
        }
    }

    /** Adds the entry (once) with more source bits; null is ignored. */
    void add(ItemCatalog.Entry e, int bits) {
        if (e != null) {
            add(e, e.index, bits);
        }
    }

    /**
     * The same, given the entry's catalogue index: the entry itself is not read. {@code e} may be null, for a
     * source that knows only the index: it is then looked up when asked for.
     */
    void add(ItemCatalog.Entry e, int index, int bits) {
        int p = positionOf(e, index); // first: it may grow the arrays
        sources[p] |= bits;
    }

    /**
     * Adds the entry (once, given its catalogue index) with the bit; returns whether the bit is new to it. One probe
     * of the table.
     */
    boolean addBit(ItemCatalog.Entry e, int index, int bit) {
        int p = positionOf(e, index); // first: it may grow the arrays
        boolean added = (sources[p] & bit) == 0;
        sources[p] |= bit;
        return added;
    }

    /** Adds to the entry's score (given its catalogue index), and source bits, adding the entry first if need be. */
    void addScore(ItemCatalog.Entry e, int index, double score, int bits) {
        int p = positionOf(e, index); // first: it may grow the arrays
        scores[p] += score;
        sources[p] |= bits;
    }

    private int find(int index) {
        int mask = slots.length - 1;
        for (int s = slot(index); stamps[s] == generation; s = (s + 1) & mask) {
            if (keys[s] == index) {
                return slots[s] - 1;
            }
        }
        return -1;
    }

    private int positionOf(ItemCatalog.Entry e, int index) {
        int mask = slots.length - 1;
        int s = slot(index);
        for (; stamps[s] == generation; s = (s + 1) & mask) {
            if (keys[s] == index) {
                return slots[s] - 1;
            }
        }
        if (size == entries.length) {
            grow();
            return positionOf(e, index);
        }
        entries[size] = e; // null: looked up when asked for
        indexes[size] = index;
        sources[size] = 0; // what an earlier generation left there
        scores[size] = 0;
        keys[s] = index;
        stamps[s] = generation;
        slots[s] = ++size;
        return size - 1;
    }

    private void grow() {
        int capacity = entries.length * 2;
        entries = Arrays.copyOf(entries, capacity);
        indexes = Arrays.copyOf(indexes, capacity);
        sources = Arrays.copyOf(sources, capacity);
        scores = Arrays.copyOf(scores, capacity);
        slots = new int[capacity * 2];
        keys = new int[capacity * 2];
        stamps = new int[capacity * 2];
        int mask = slots.length - 1;
        for (int p = 0; p < size; p++) {
            int s = slot(indexes[p]);
            while (stamps[s] == generation) {
                s = (s + 1) & mask;
            }
            slots[s] = p + 1;
            keys[s] = indexes[p];
            stamps[s] = generation;
        }
    }

    /**
     * Fibonacci hashing: the top bits of index times 2^32/phi. Catalogue indexes are dense, and this spreads
     * neighbouring ones apart so that linear probing finds short runs.
     */
    private int slot(int index) {
        return (index * 0x9E3779B9) >>> (32 - Integer.numberOfTrailingZeros(slots.length));
    }
}
