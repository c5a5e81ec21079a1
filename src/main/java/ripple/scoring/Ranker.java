package ripple.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import ripple.features.Decay;
import ripple.features.FeatureLayout;
import ripple.features.InfluenceGroup;
import ripple.features.ItemCatalog;
import ripple.features.UserState;

/**
 * Computes f_i for a user and an item, and the user's top-K with each item's per-group contributions. Up to
 * {@code scoring.exact-scan-max} items the whole catalogue is scored; above, approximate searches propose
 * candidates and only those are scored, with the same exact R(u,i). Scoring splits R(u,i) into its groups, so
 * the context part (non-zero only for items and categories the user touched) is computed once per touched item
 * or category rather than per catalogue item.
 */
public final class Ranker {
    /** The user's best categories get a text search of their own: one more approximate search each. */
    private static final int CATEGORY_SEARCHES = 3;

    private final ItemCatalog catalog;
    private final Decay decay;

    /**
     * One ranked item: its catalogue index, its score, what each feature group contributed, and the candidate
     * sources that proposed it ({@link CandidateSource} bits; 0 for an item scored outside retrieval).
     */
    public record Scored(String itemId, int index, double score, double text, double influence, double context,
                         boolean hasText, int sources) {
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
        ItemCatalog.Entry e = catalog.get(itemId);
        return new Scored(itemId, e == null ? -1 : e.index, text + influence + context, text, influence, context, hasText, 0);
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
        return catalog.size() <= catalog.retrieval().exactScanMax()
                ? exactTopK(user, w, now, k, excludeSeen)
                : approximateTopK(user, w, now, k, excludeSeen);
    }

    /** Scores every item in the catalogue. */
    List<Scored> exactTopK(UserState user, float[] w, long now, int k, boolean excludeSeen) {
        UserScorer scorer = new UserScorer(user, w, now);
        TopK top = new TopK(k);
        int n = catalog.size();
        for (int idx = 0; idx < n; idx++) {
            top.offer(scorer, catalog.entry(idx), excludeSeen);
        }
        return top.best();
    }

    /** Scores only the candidates that approximate searches propose; the scores themselves are exact. */
    List<Scored> approximateTopK(UserState user, float[] w, long now, int k, boolean excludeSeen) {
        UserScorer scorer = new UserScorer(user, w, now);
        TopK top = new TopK(k);
        for (ItemCatalog.Entry e : candidates(scorer)) {
            top.offer(scorer, e, excludeSeen);
        }
        return top.best();
    }

    /**
     * The union of: per text model, the items whose text has the largest inner product with the user's text query,
     * overall and within each of the user's best categories; the items with the largest influence part under the
     * user's weights; the user's recent items (their context features can lift them above any of the others).
     */
    private Collection<ItemCatalog.Entry> candidates(UserScorer scorer) {
        int c = catalog.retrieval().candidates();
        Set<ItemCatalog.Entry> out = new HashSet<>();
        List<String> categories = scorer.bestCategories();
        FeatureLayout layout = catalog.layout();
        for (String model : layout.textModels()) {
            float[] query = scorer.textQuery(layout.textOffset(model));
            if (query == null) {
                continue;
            }
            addEntries(out, catalog.textIndex().search(model, query, c, null));
            for (String category : categories) {
                addEntries(out, catalog.textIndex().search(model, query, c, category));
            }
        }
        out.addAll(scorer.mostInfluential(catalog.influential(), c));
        for (UserState.RecentItem r : scorer.user.recentItems) {
            ItemCatalog.Entry e = catalog.get(r.itemId);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }

    private void addEntries(Set<ItemCatalog.Entry> out, int[] entries) {
        for (int idx : entries) {
            out.add(catalog.entry(idx));
        }
    }

    /** The k best scored items seen so far. */
    private static final class TopK {
        private final int k;
        private final PriorityQueue<Scored> heap;

        TopK(int k) {
            this.k = k;
            this.heap = new PriorityQueue<>(Math.min(k + 1, 1024), Comparator.comparingDouble(Scored::score));
        }

        void offer(UserScorer scorer, ItemCatalog.Entry e, boolean excludeSeen) {
            if (excludeSeen && scorer.recent.containsKey(e.itemId)) {
                return;
            }
            Scored s = scorer.score(e);
            if (heap.size() < k) {
                heap.add(s);
            } else if (s.score() > heap.peek().score()) {
                heap.poll();
                heap.add(s);
            }
        }

        List<Scored> best() {
            List<Scored> out = new ArrayList<>(heap);
            out.sort(Comparator.comparingDouble(Scored::score).reversed());
            return out;
        }
    }

    /** Exact R(u,i) of catalogue items for one user, with what does not depend on the item computed once. */
    private final class UserScorer {
        final UserState user;
        final float[] w;
        final long now;
        final int ctx;
        final float[] scratch;
        /** For an item the user has not touched, the context part is the bias, the category part and the text affinity. */
        final double bias;
        final double affinityWeight;
        final Map<String, Double> categoryPart = new HashMap<>();
        final Map<String, UserState.RecentItem> recent = new HashMap<>();

        UserScorer(UserState user, float[] w, long now) {
            FeatureLayout layout = catalog.layout();
            this.user = user;
            this.w = w;
            this.now = now;
            this.ctx = layout.contextOffset();
            this.scratch = new float[layout.size()];
            this.bias = w[ctx + FeatureLayout.CTX_BIAS];
            this.affinityWeight = w[ctx + FeatureLayout.CTX_TEXT_AFFINITY];
            for (UserState.CategoryAffinity c : user.categories) {
                user.categoryFeatures(c.category, scratch, ctx);
                categoryPart.put(c.category, partial(w, scratch, ctx + FeatureLayout.CTX_CATEGORY_AFFINITY,
                        ctx + FeatureLayout.CTX_CATEGORY_DWELL + 1));
            }
            for (UserState.RecentItem r : user.recentItems) {
                recent.put(r.itemId, r);
            }
        }

        Scored score(ItemCatalog.Entry e) {
            FeatureLayout layout = catalog.layout();
            boolean hasText = catalog.textFeatures(e, scratch);
            double text = hasText ? partial(w, scratch, 0, layout.textDims()) : 0;
            double influence = influencePart(e);
            double context;
            if (recent.containsKey(e.itemId)) {
                user.contextFeatures(e.itemId, e.category(), now, decay, scratch, ctx);
                context = partial(w, scratch, ctx, ctx + FeatureLayout.CONTEXT);
            } else {
                context = bias + (hasText ? affinityWeight * user.textAffinity(scratch) : 0)
                        + categoryPart.getOrDefault(e.category() == null ? "" : e.category(), 0.0);
            }
            return new Scored(e.itemId, e.index, text + influence + context, text, influence, context, hasText, 0);
        }

        private double influencePart(ItemCatalog.Entry e) {
            catalog.influenceFeatures(e, now, scratch);
            int infl = catalog.layout().influenceOffset();
            return partial(w, scratch, infl, infl + InfluenceGroup.COUNT);
        }

        /** Up to {@code CATEGORY_SEARCHES} of the user's categories whose category part is positive, best first. */
        List<String> bestCategories() {
            return categoryPart.entrySet().stream().filter(c -> c.getValue() > 0)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(CATEGORY_SEARCHES).map(Map.Entry::getKey).toList();
        }

        /**
         * The vector whose inner product with an item's text (of the model at {@code offset}) approximates the
         * item's text part plus its text-affinity part: the user's text weights, plus the affinity weight times
         * the user's unit-length text profile (the affinity is a cosine with the profile; the item's own norm is
         * left out, as projected text is roughly unit length). Null when it is zero: no text preference to search by.
         */
        float[] textQuery(int offset) {
            int dims = catalog.layout().dimsPerModel();
            double profileNorm = 0;
            for (float p : user.textProfile) {
                profileNorm += p * p;
            }
            double profileScale = profileNorm == 0 ? 0 : affinityWeight / Math.sqrt(profileNorm);
            float[] q = new float[dims];
            boolean any = false;
            for (int i = 0; i < dims; i++) {
                q[i] = (float) (w[offset + i] + profileScale * user.textProfile[offset + i]);
                any |= q[i] != 0f;
            }
            return any ? q : null;
        }

        /**
         * The {@code c} items with the largest influence part under this user's weights, from the catalogue's
         * most influential items of each group the user weighs positively. Where every influence weight is zero
         * or negative, influence can only lower a score and proposes nothing.
         */
        List<ItemCatalog.Entry> mostInfluential(ItemCatalog.Entry[][] byGroup, int c) {
            int infl = catalog.layout().influenceOffset();
            Set<ItemCatalog.Entry> pool = new HashSet<>();
            for (int g = 0; g < byGroup.length; g++) {
                if (w[infl + g] > 0) {
                    pool.addAll(Arrays.asList(byGroup[g]));
                }
            }
            if (pool.size() <= c) {
                return new ArrayList<>(pool);
            }
            Map<ItemCatalog.Entry, Double> part = new HashMap<>();
            pool.forEach(e -> part.put(e, influencePart(e)));
            return pool.stream().sorted(Comparator.comparing(part::get, Comparator.reverseOrder())).limit(c).toList();
        }
    }
}
