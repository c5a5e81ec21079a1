package ripple.features;

import java.util.Arrays;
import java.util.List;
import ripple.avro.BehaviorType;

/**
 * A user's normalised feature history, owned by the feature code: the text profile, the dwell scaler, recent items
 * (with the user's decayed counts on each per behaviour group) and category affinities, all decayed as of
 * {@link #lastTime}. Decayed counts per behaviour type over all the user's items were kept until state version 3;
 * no feature read them, so version 4 dropped them.
 */
public final class UserHistory {
    /** Repeat counts saturate here when normalised. */
    private static final double REPEAT_CAP = Math.log1p(20);

    /** Event time of the latest event folded in. */
    public long lastTime;
    /** Decayed, strength-weighted sum of the (centred) text features of the user's items. */
    public final float[] textProfile;
    public final MinMaxScaler dwellScaler;
    /** Most recent first. */
    public final List<RecentItem> recentItems;
    public final List<CategoryAffinity> categories;
    /**
     * The catalogue ({@link ItemCatalog#instance}) in which the recent items' {@link RecentItem#catalogueIndex} and
     * the categories' {@link CategoryAffinity#canonicalId} were found, or 0 for none. They are hints: where a ranker
     * last found each by its id. In that catalogue, which never gives an index or id to anything else, the next
     * ranker takes them without looking the ids up again (those hash lookups' cache misses were 8% of a scoring
     * step); in any other (another instance, after a restart, a replay) it ignores them and writes its own.
     */
    public long hintedCatalogue;

    public static final class RecentItem {
        public final String itemId;
        public long lastTime;
        public int count;
        public float dwellSum;
        public int dwellCount;
        /** The user's counts on this item per {@link InfluenceGroup}, decayed as of {@link #lastTime}. */
        public final float[] typeCounts;
        /** The item's catalogue index in {@link UserHistory#hintedCatalogue}, or -1 for none. */
        public int catalogueIndex = -1;

        RecentItem(String itemId, long lastTime, int count, float dwellSum, int dwellCount, float[] typeCounts) {
            this.itemId = itemId;
            this.lastTime = lastTime;
            this.count = count;
            this.dwellSum = dwellSum;
            this.dwellCount = dwellCount;
            this.typeCounts = typeCounts;
        }
    }

    public static final class CategoryAffinity {
        public final String category;
        /** Decayed event count, as of the user's lastTime. */
        public float score;
        public float dwellSum;
        public int dwellCount;
        /** The category's {@link ItemCatalog.Canonical#id} in {@link UserHistory#hintedCatalogue}, or -1 for none. */
        public int canonicalId = -1;

        CategoryAffinity(String category, float score, float dwellSum, int dwellCount) {
            this.category = category;
            this.score = score;
            this.dwellSum = dwellSum;
            this.dwellCount = dwellCount;
        }
    }

    UserHistory(long lastTime, float[] textProfile, MinMaxScaler dwellScaler, List<RecentItem> recentItems,
                List<CategoryAffinity> categories) {
        this.lastTime = lastTime;
        this.textProfile = textProfile;
        this.dwellScaler = dwellScaler;
        this.recentItems = recentItems;
        this.categories = categories;
    }

    /** The profile was built from text features that mean nothing now. */
    void resetText() {
        Arrays.fill(textProfile, 0f);
    }

    public RecentItem recent(String itemId) {
        for (RecentItem r : recentItems) {
            if (r.itemId.equals(itemId)) {
                return r;
            }
        }
        return null;
    }

    public CategoryAffinity category(String category) {
        if (category == null) {
            return null;
        }
        for (CategoryAffinity c : categories) {
            if (c.category.equals(category)) {
                return c;
            }
        }
        return null;
    }

    public float categoryTotal() {
        float total = 0f;
        for (CategoryAffinity c : categories) {
            total += c.score;
        }
        return total;
    }

    /** The place of an item in the recent items (0 = the latest), or -1. */
    public int recentRank(String itemId) {
        for (int i = 0; i < recentItems.size(); i++) {
            if (recentItems.get(i).itemId.equals(itemId)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes the context features that come from this user's own history with the item into {@code f} at
     * {@code offset} (repeat, recency, recent rank, item dwell, category affinity and dwell, per-type counts), as
     * of {@code now}, from what the state held before the current event. The ranker fills the rest.
     */
    public void historyFeatures(String itemId, String category, long now, Decay decay, float[] f, int offset) {
        historyFeatures(recentRank(itemId), categoryRank(category), categoryTotal(), now, decay, f, offset);
    }

    /**
     * As {@link #historyFeatures(String, String, long, Decay, float[], int)}, with the item's place among the
     * recent items, its category's place among the categories (-1 for none) and {@link #categoryTotal()} already
     * known: a ranker looks them up once per user rather than once per candidate.
     */
    public void historyFeatures(int recentRank, int categoryRank, float categoryTotal, long now, Decay decay,
                                float[] f, int offset) {
        if (recentRank >= 0) {
            RecentItem r = recentItems.get(recentRank);
            double since = decay.factor(r.lastTime, now);
            f[offset + FeatureLayout.CTX_REPEAT] = (float) Math.min(1.0, Math.log(1 + r.count) / REPEAT_CAP);
            f[offset + FeatureLayout.CTX_RECENCY] = (float) since;
            f[offset + FeatureLayout.CTX_RECENT_RANK] = 1f / (1 + recentRank);
            f[offset + FeatureLayout.CTX_ITEM_DWELL] = r.dwellCount == 0 ? 0f : dwellScaler.normalise(r.dwellSum / r.dwellCount);
            for (int g = 0; g < InfluenceGroup.COUNT; g++) {
                f[offset + FeatureLayout.CTX_TYPE_COUNTS + g] =
                        (float) Math.min(1.0, Math.log(1 + r.typeCounts[g] * since) / REPEAT_CAP);
            }
        } else {
            f[offset + FeatureLayout.CTX_REPEAT] = 0f;
            f[offset + FeatureLayout.CTX_RECENCY] = 0f;
            f[offset + FeatureLayout.CTX_RECENT_RANK] = 0f;
            f[offset + FeatureLayout.CTX_ITEM_DWELL] = 0f;
            Arrays.fill(f, offset + FeatureLayout.CTX_TYPE_COUNTS,
                    offset + FeatureLayout.CTX_TYPE_COUNTS + InfluenceGroup.COUNT, 0f);
        }
        if (categoryRank >= 0) {
            CategoryAffinity c = categories.get(categoryRank);
            f[offset + FeatureLayout.CTX_CATEGORY_AFFINITY] = categoryTotal > 0 ? c.score / categoryTotal : 0f;
            f[offset + FeatureLayout.CTX_CATEGORY_DWELL] = c.dwellCount == 0 ? 0f : dwellScaler.normalise(c.dwellSum / c.dwellCount);
            f[offset + FeatureLayout.CTX_CATEGORY_RECENT_RANK] = 1f / (1 + categoryRank);
        } else {
            f[offset + FeatureLayout.CTX_CATEGORY_AFFINITY] = 0f;
            f[offset + FeatureLayout.CTX_CATEGORY_DWELL] = 0f;
            f[offset + FeatureLayout.CTX_CATEGORY_RECENT_RANK] = 0f;
        }
    }

    /** The place of a category among the user's categories (most recent first), or -1. */
    public int categoryRank(String category) {
        for (int i = 0; category != null && i < categories.size(); i++) {
            if (categories.get(i).category.equals(category)) {
                return i;
            }
        }
        return -1;
    }

    /** Cosine between the text features at the start of {@code f} and the user's profile; 0 if either is empty. */
    public float textAffinity(float[] f) {
        return cosine(textProfile, f);
    }

    /** Cosine of the first {@code a.length} entries of two vectors; 0 if either is zero there. */
    public static float cosine(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0f : (float) (dot / Math.sqrt(aa * bb));
    }

    /**
     * Folds one event into the feature state. Call after the event was scored, so it never sees itself.
     * {@code itemText} holds the item's text features in its first textDims entries, or is null.
     */
    public void observe(String itemId, String category, BehaviorType type, long time, Float dwellMs, float strength,
                        float[] itemText, Decay decay, int maxRecent, int maxCategories) {
        double f = decay.factor(lastTime, time);
        for (int i = 0; i < textProfile.length; i++) {
            textProfile[i] = (float) (textProfile[i] * f) + (itemText == null ? 0f : strength * itemText[i]);
        }
        for (CategoryAffinity c : categories) {
            c.score *= (float) f;
        }
        lastTime = Math.max(lastTime, time);

        RecentItem r = recent(itemId);
        if (r == null) {
            r = new RecentItem(itemId, time, 0, 0f, 0, new float[InfluenceGroup.COUNT]);
            if (recentItems.size() >= maxRecent) {
                recentItems.remove(recentItems.size() - 1);
            }
        } else {
            recentItems.remove(r);
        }
        recentItems.add(0, r);
        r.count++;
        double since = decay.factor(r.lastTime, time);
        for (int g = 0; g < InfluenceGroup.COUNT; g++) {
            r.typeCounts[g] *= (float) since;
        }
        r.typeCounts[InfluenceGroup.of(type).ordinal()] += 1f;
        r.lastTime = Math.max(r.lastTime, time);

        CategoryAffinity c = null;
        if (category != null) {
            c = category(category);
            if (c == null) {
                if (categories.size() >= maxCategories) {
                    categories.remove(weakestCategory());
                }
                c = new CategoryAffinity(category, 0f, 0f, 0);
            } else {
                categories.remove(c);
            }
            // Most recent first, as the recent items are: the order is the category recency feature.
            categories.add(0, c);
            c.score += 1f;
        }
        if (dwellMs != null) {
            float d = dwellMs;
            r.dwellSum += d;
            r.dwellCount++;
            if (c != null) {
                c.dwellSum += d;
                c.dwellCount++;
            }
            dwellScaler.add(d);
        }
    }

    private CategoryAffinity weakestCategory() {
        CategoryAffinity weakest = categories.get(0);
        for (CategoryAffinity c : categories) {
            if (c.score < weakest.score) {
                weakest = c;
            }
        }
        return weakest;
    }
}
