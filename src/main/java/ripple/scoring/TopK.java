package ripple.scoring;

import java.util.Arrays;
import java.util.List;
import ripple.features.ItemCatalog;

/**
 * The best of the candidates offered, at most {@code capacity}, without an object per candidate: each kept one's
 * score and parts lie in a slot of parallel arrays, and a binary heap of slot numbers has the worst kept in
 * {@link Ranker#ORDER} (lowest score, then highest catalogue index) at its root. A better candidate takes the
 * root's slot.
 */
final class TopK {
    private int[] heap = new int[0];
    private int[] position;
    private double[] score;
    private int[] index;
    private double[] text;
    private double[] influence;
    private double[] context;
    private boolean[] hasText;
    /** How many it keeps at most, this time: at most the arrays' length. */
    private int capacity;
    private int size;

    /** Empty, keeping at most {@code capacity}. */
    TopK(int capacity) {
        reset(capacity);
    }

    /**
     * Empties it, to keep at most {@code capacity} from now on: a ranker reuses one for every view, rather than
     * allocate eight arrays per event.
     */
    void reset(int capacity) {
        if (capacity > heap.length) {
            heap = new int[capacity];
            position = new int[capacity];
            score = new double[capacity];
            index = new int[capacity];
            text = new double[capacity];
            influence = new double[capacity];
            context = new double[capacity];
            hasText = new boolean[capacity];
        }
        this.capacity = capacity;
        size = 0;
    }

    /** Whether a candidate with this score and catalogue index would be kept. */
    boolean admits(double s, int i) {
        return capacity > 0 && (size < capacity || before(s, i, heap[0]));
    }

    /** Keeps the candidate at {@code at} among the candidates, dropping the worst kept when full. */
    void put(int at, double s, int i, double t, double inf, double ctx, boolean withText) {
        if (size < capacity) {
            heap[size] = size;
            set(size, at, s, i, t, inf, ctx, withText);
            siftUp(size++);
        } else {
            set(heap[0], at, s, i, t, inf, ctx, withText);
            siftDown();
        }
    }

    /**
     * The kept candidates as {@link Ranker.Scored}, best first: taken off the heap worst first, into the list from
     * its end, so no comparator sorts them (the heap's order is {@link Ranker#ORDER}, reversed). Empties the heap.
     */
    List<Ranker.Scored> ranked(Candidates all) {
        Ranker.Scored[] out = new Ranker.Scored[size];
        while (size > 0) {
            int slot = heap[0];
            ItemCatalog.Entry e = all.entry(position[slot]);
            out[size - 1] = new Ranker.Scored(e.itemId, index[slot], score[slot], text[slot], influence[slot],
                    context[slot], hasText[slot], all.sourcesAt(position[slot]));
            heap[0] = heap[--size];
            siftDown();
        }
        return Arrays.asList(out);
    }

    /** Whether (s, i) comes before the candidate kept in {@code slot}, in {@link Ranker#ORDER}. */
    private boolean before(double s, int i, int slot) {
        int byScore = Double.compare(s, score[slot]);
        return byScore > 0 || byScore == 0 && i < index[slot];
    }

    /** Whether the candidate in slot a comes before the one in slot b. */
    private boolean slotBefore(int a, int b) {
        return before(score[a], index[a], b);
    }

    private void set(int slot, int at, double s, int i, double t, double inf, double ctx, boolean withText) {
        position[slot] = at;
        score[slot] = s;
        index[slot] = i;
        text[slot] = t;
        influence[slot] = inf;
        context[slot] = ctx;
        hasText[slot] = withText;
    }

    /** Moves heap entry {@code at} up while it is worse than its parent. */
    private void siftUp(int at) {
        while (at > 0) {
            int parent = (at - 1) / 2;
            if (!slotBefore(heap[parent], heap[at])) {
                return;
            }
            swap(at, parent);
            at = parent;
        }
    }

    /** Moves the root down while a child is worse than it. */
    private void siftDown() {
        int at = 0;
        while (true) {
            int worst = at;
            for (int child = 2 * at + 1; child <= 2 * at + 2 && child < size; child++) {
                if (slotBefore(heap[worst], heap[child])) {
                    worst = child;
                }
            }
            if (worst == at) {
                return;
            }
            swap(at, worst);
            at = worst;
        }
    }

    private void swap(int a, int b) {
        int slot = heap[a];
        heap[a] = heap[b];
        heap[b] = slot;
    }
}
