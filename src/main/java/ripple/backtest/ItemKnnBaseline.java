package ripple.backtest;

import java.util.Arrays;
import ripple.avro.BehaviorType;

/**
 * Normalised item-kNN: two items co-occur when they are both among a user's last {@link #WINDOW} distinct items;
 * similarity is the cosine c_ij / sqrt(n_i n_j), where n_i counts the windows item i entered. A user's score for
 * item j is the sum over the user's window of similarity(r, j), weighted 1/(1 + position) so the latest item counts
 * most. With repeats, an item's similarity to itself is 1, so the user's own recent items compete on equal terms;
 * without, nothing the user ever touched is recommended. The rest is filled by popularity.
 */
final class ItemKnnBaseline extends PersonalBaseline {
    static final int WINDOW = 10;

    private final boolean repeats;
    private final RecentWindows recent = new RecentWindows(WINDOW);
    /** Co-occurrence rows by catalogue index (null: none yet); an array, as indexes are dense. */
    private IntCounts[] cooccur = new IntCounts[1024];
    /** Without repeats: by user, every item the user touched (null: none yet). */
    private IntCounts[] touched = new IntCounts[0];
    private int[] occurrences = new int[1024];

    ItemKnnBaseline(PopularityBaseline popularity, boolean repeats) {
        this(repeats ? "itemknn" : "itemknn-norepeat", popularity, repeats);
    }

    /** Under another name: exclude-seen reports plain itemknn under both names, so the report keeps its shape. */
    ItemKnnBaseline(String name, PopularityBaseline popularity, boolean repeats) {
        super(name, popularity);
        this.repeats = repeats;
    }

    @Override
    protected void personalise(int user) {
        int[] items = recent.get(user);
        for (int p = 0; p < items.length; p++) {
            int r = items[p];
            double weight = 1.0 / (1 + p);
            if (repeats) {
                add(r, weight);
            }
            IntCounts row = r < cooccur.length ? cooccur[r] : null;
            if (row != null) {
                double nr = occurrences[r];
                row.forEach((j, c) -> add(j, weight * c / Math.sqrt(nr * occurrences[j])));
            }
        }
        if (!repeats && user < touched.length && touched[user] != null) {
            touched[user].forEach((j, count) -> exclude(j));
        }
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        if (!repeats) {
            addTouched(user, item);
        }
        int[] before = recent.get(user);
        if (!recent.touch(user, item)) {
            return; // already in the window: its pairs are counted
        }
        if (item >= occurrences.length) {
            occurrences = Arrays.copyOf(occurrences, Math.max(item + 1, occurrences.length * 2));
        }
        occurrences[item]++;
        // the oldest item leaves a full window as this one enters: they were never in it together
        int together = Math.min(before.length, WINDOW - 1);
        for (int k = 0; k < together; k++) {
            int j = before[k];
            row(item).add(j, 1);
            row(j).add(item, 1);
        }
    }

    private void addTouched(int user, int item) {
        if (user >= touched.length) {
            touched = Arrays.copyOf(touched, Math.max(user + 1, Math.max(64, touched.length * 2)));
        }
        if (touched[user] == null) {
            touched[user] = new IntCounts();
        }
        touched[user].add(item, 1);
    }

    private IntCounts row(int item) {
        if (item >= cooccur.length) {
            cooccur = Arrays.copyOf(cooccur, Math.max(item + 1, cooccur.length * 2));
        }
        IntCounts row = cooccur[item];
        if (row == null) {
            row = cooccur[item] = new IntCounts();
        }
        return row;
    }
}
