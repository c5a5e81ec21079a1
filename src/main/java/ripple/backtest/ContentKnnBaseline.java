package ripple.backtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import ripple.avro.BehaviorType;
import ripple.avro.ItemFeatures;

/**
 * Content kNN on the same text embeddings Ripple gets (raw, L2-normalised, not Ripple's projection): a user's score
 * for item j is the sum over the user's last {@link #WINDOW} distinct items r of cosine(r, j), counted for the
 * {@link #NEIGHBOURS} nearest items of each r (r itself included, so repeats are allowed). Items without text, and
 * items near none of the user's, are filled by popularity. Neighbour lists are computed by a full scan the first
 * time an item is needed, and again when text items have joined since.
 */
final class ContentKnnBaseline extends PersonalBaseline {
    static final int WINDOW = 10;
    static final int NEIGHBOURS = 50;

    private final Map<String, float[]> vectors = new HashMap<>();
    private final IntFunction<String> itemIds;
    private final RecentWindows recent = new RecentWindows(WINDOW);
    private final List<Integer> textItems = new ArrayList<>();
    private float[][] byIndex = new float[1024][];
    private final Map<Integer, Neighbours> cache = new HashMap<>();

    private record Neighbours(int[] items, double[] cosines, int textItemsSeen) {
    }

    /** @param itemIds catalogue index -> item id */
    ContentKnnBaseline(PopularityBaseline popularity, List<ItemFeatures> features, IntFunction<String> itemIds) {
        super("content-knn", popularity);
        this.itemIds = itemIds;
        for (ItemFeatures f : features) {
            float[] v = new float[f.getEmbedding().size()];
            double norm = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = f.getEmbedding().get(i);
                norm += v[i] * v[i];
            }
            if (norm > 0) {
                float inv = (float) (1 / Math.sqrt(norm));
                for (int i = 0; i < v.length; i++) {
                    v[i] *= inv;
                }
                vectors.put(f.getItemId(), v);
            }
        }
    }

    @Override
    public void admit(int index, String category) {
        float[] v = vectors.get(itemIds.apply(index));
        if (index >= byIndex.length) {
            byIndex = Arrays.copyOf(byIndex, Math.max(index + 1, byIndex.length * 2));
        }
        if (v != null) {
            byIndex[index] = v;
            textItems.add(index);
        }
    }

    @Override
    protected void personalise(int user) {
        for (int r : recent.get(user)) {
            Neighbours n = neighbours(r);
            for (int k = 0; k < n.items().length; k++) {
                add(n.items()[k], n.cosines()[k]);
            }
        }
    }

    private Neighbours neighbours(int item) {
        float[] v = item < byIndex.length ? byIndex[item] : null;
        if (v == null) {
            return new Neighbours(new int[0], new double[0], 0);
        }
        Neighbours cached = cache.get(item);
        if (cached != null && cached.textItemsSeen() == textItems.size()) {
            return cached;
        }
        // a bounded selection: keep the best NEIGHBOURS, ties to the lower index
        int[] best = new int[NEIGHBOURS];
        double[] cos = new double[NEIGHBOURS];
        int n = 0;
        for (int j : textItems) {
            float[] u = byIndex[j];
            if (u.length != v.length) {
                continue;
            }
            double c = 0;
            for (int d = 0; d < v.length; d++) {
                c += v[d] * u[d];
            }
            if (n < NEIGHBOURS || c > cos[n - 1]) {
                // insert in order; when full, the last (weakest) falls off
                int at = n < NEIGHBOURS ? n++ : n - 1;
                while (at > 0 && cos[at - 1] < c) {
                    best[at] = best[at - 1];
                    cos[at] = cos[at - 1];
                    at--;
                }
                best[at] = j;
                cos[at] = c;
            }
        }
        Neighbours out = new Neighbours(Arrays.copyOf(best, n), Arrays.copyOf(cos, n), textItems.size());
        cache.put(item, out);
        return out;
    }

    @Override
    public void learn(int user, int item, long time, String category, BehaviorType type) {
        recent.touch(user, item);
    }
}
