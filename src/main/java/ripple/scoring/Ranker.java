package ripple.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/**
 * Computes f_i for a user and an item, and the user's exact top-K over the whole catalogue with each item's
 * per-group contributions. The scan splits R(u,i) into its groups, so the context part (non-zero only for items
 * and categories the user touched) is computed once per touched item or category rather than per catalogue item.
 */
public final class Ranker {
    private final ItemCatalog catalog;
    private final Decay decay;

    /** One ranked item: its score and what each feature group contributed. */
    public record Scored(String itemId, double score, double text, double influence, double context, boolean hasText) {
    }

    public Ranker(ItemCatalog catalog, Decay decay) {
        this.catalog = catalog;
        this.decay = decay;
    }

    /** Fills f_i for the user as the state stands now; returns whether the item had text features. */
    public boolean features(UserState user, String itemId, String fallbackCategory, long now, float[] out) {
        FeatureLayout layout = catalog.layout();
        ItemCatalog.Entry e = catalog.get(itemId);
        boolean hasText = false;
        String category = fallbackCategory;
        if (e != null) {
            hasText = catalog.textFeatures(e, out);
            catalog.influenceFeatures(e, now, out);
            if (e.category() != null) {
                category = e.category();
            }
        } else {
            Arrays.fill(out, 0, layout.contextOffset(), 0f);
        }
        user.contextFeatures(itemId, category, now, decay, out, layout.contextOffset());
        return hasText;
    }

    public Scored score(float[] w, float[] f, String itemId, boolean hasText) {
        FeatureLayout layout = catalog.layout();
        double text = partial(w, f, 0, layout.textDims());
        double influence = partial(w, f, layout.influenceOffset(), layout.contextOffset());
        double context = partial(w, f, layout.contextOffset(), layout.size());
        return new Scored(itemId, text + influence + context, text, influence, context, hasText);
    }

    private static double partial(float[] w, float[] f, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += w[i] * f[i];
        }
        return s;
    }

    /** The user's top-k items, best first; items the user touched recently are skipped when excludeSeen. */
    public List<Scored> topK(UserState user, float[] w, long now, int k, boolean excludeSeen) {
        FeatureLayout layout = catalog.layout();
        int ctx = layout.contextOffset();
        int infl = layout.influenceOffset();
        float[] scratch = new float[layout.size()];

        // For an item the user has not touched, the context part is the bias, the category part (computed once per
        // category) and the text affinity; only touched items need the full context features.
        double bias = w[ctx + FeatureLayout.CTX_BIAS];
        double affinityWeight = w[ctx + FeatureLayout.CTX_TEXT_AFFINITY];
        Map<String, Double> categoryPart = new HashMap<>();
        for (UserState.CategoryAffinity c : user.categories) {
            user.categoryFeatures(c.category, scratch, ctx);
            categoryPart.put(c.category, partial(w, scratch, ctx + FeatureLayout.CTX_CATEGORY_AFFINITY,
                    ctx + FeatureLayout.CTX_CATEGORY_DWELL + 1));
        }
        Map<String, UserState.RecentItem> recent = new HashMap<>();
        for (UserState.RecentItem r : user.recentItems) {
            recent.put(r.itemId, r);
        }

        PriorityQueue<Scored> heap = new PriorityQueue<>(k + 1, Comparator.comparingDouble(Scored::score));
        int n = catalog.size();
        int textDims = layout.textDims();
        for (int idx = 0; idx < n; idx++) {
            ItemCatalog.Entry e = catalog.entry(idx);
            UserState.RecentItem r = recent.get(e.itemId);
            if (excludeSeen && r != null) {
                continue;
            }
            boolean hasText = catalog.textFeatures(e, scratch);
            double text = hasText ? partial(w, scratch, 0, textDims) : 0;
            catalog.influenceFeatures(e, now, scratch);
            double influence = partial(w, scratch, infl, ctx);
            double context;
            if (r != null) {
                user.contextFeatures(e.itemId, e.category(), now, decay, scratch, ctx);
                context = partial(w, scratch, ctx, ctx + FeatureLayout.CONTEXT);
            } else {
                context = bias + (hasText ? affinityWeight * user.textAffinity(scratch) : 0)
                        + categoryPart.getOrDefault(e.category() == null ? "" : e.category(), 0.0);
            }
            double score = text + influence + context;
            if (heap.size() < k) {
                heap.add(new Scored(e.itemId, score, text, influence, context, hasText));
            } else if (score > heap.peek().score()) {
                heap.poll();
                heap.add(new Scored(e.itemId, score, text, influence, context, hasText));
            }
        }
        List<Scored> out = new ArrayList<>(heap);
        out.sort(Comparator.comparingDouble(Scored::score).reversed());
        return out;
    }
}
