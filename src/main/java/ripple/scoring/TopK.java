package ripple.scoring;

import java.util.ArrayList;
import java.util.List;
import ripple.features.ItemCatalog;

/**
 * The best of the candidates offered, at most {@code capacity}: a binary heap whose root is the worst kept in
 * {@link Ranker#ORDER} (lowest score, then highest catalogue index), in parallel arrays.
 */
final class TopK {
    private final int[] position;
    private final double[] score;
    private final int[] index;
    private final double[] text;
    private final double[] influence;
    private final double[] context;
    private final boolean[] hasText;
    private int size;

    TopK(int capacity) {
        position = new int[capacity];
        score = new double[capacity];
        index = new int[capacity];
        text = new double[capacity];
        influence = new double[capacity];
        context = new double[capacity];
        hasText = new boolean[capacity];
    }

    /** Whether a candidate with this score and catalogue index would be kept. */
    boolean admits(double s, int i) {
        return position.length > 0 && (size < position.length || before(s, i, 0));
    }

    /** Keeps the candidate at {@code at} among the candidates, dropping the worst kept when full. */
    void put(int at, double s, int i, double t, double inf, double ctx, boolean withText) {
        int slot;
        if (size < position.length) {
            slot = size++;
            set(slot, at, s, i, t, inf, ctx, withText);
            siftUp(slot);
        } else {
            set(0, at, s, i, t, inf, ctx, withText);
            siftDown(0);
        }
    }

    /** The kept candidates as {@link Ranker.Scored}, best first. */
    List<Ranker.Scored> ranked(Candidates all) {
        List<Ranker.Scored> out = new ArrayList<>(size);
        for (int slot = 0; slot < size; slot++) {
            ItemCatalog.Entry e = all.entry(position[slot]);
            out.add(new Ranker.Scored(e.itemId, index[slot], score[slot], text[slot], influence[slot], context[slot],
                    hasText[slot], all.sourcesAt(position[slot])));
        }
        out.sort(Ranker.ORDER);
        return out;
    }

    /** Whether (s, i) comes before the kept one at {@code slot} in {@link Ranker#ORDER}. */
    private boolean before(double s, int i, int slot) {
        int byScore = Double.compare(s, score[slot]);
        return byScore > 0 || byScore == 0 && i < index[slot];
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

    private void siftUp(int slot) {
        while (slot > 0) {
            int parent = (slot - 1) / 2;
            if (!before(score[parent], index[parent], slot)) {
                return;
            }
            swap(slot, parent);
            slot = parent;
        }
    }

    private void siftDown(int slot) {
        while (true) {
            int worst = slot;
            for (int child = 2 * slot + 1; child <= 2 * slot + 2 && child < size; child++) {
                if (!before(score[child], index[child], worst)) {
                    worst = child;
                }
            }
            if (worst == slot) {
                return;
            }
            swap(slot, worst);
            slot = worst;
        }
    }

    private void swap(int a, int b) {
        int p = position[a];
        position[a] = position[b];
        position[b] = p;
        double d = score[a];
        score[a] = score[b];
        score[b] = d;
        int i = index[a];
        index[a] = index[b];
        index[b] = i;
        d = text[a];
        text[a] = text[b];
        text[b] = d;
        d = influence[a];
        influence[a] = influence[b];
        influence[b] = d;
        d = context[a];
        context[a] = context[b];
        context[b] = d;
        boolean h = hasText[a];
        hasText[a] = hasText[b];
        hasText[b] = h;
    }
}
