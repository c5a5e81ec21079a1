package ripple.features;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Where each feature group sits in f_i and w_u. Text takes {@code dimsPerModel} slots per text model (each
 * model's embeddings live in their own slots, so two embedding spaces never share a weight), then the
 * influence group (what all users did on the item), then the context group (the user and the item together, and
 * how the candidate was retrieved) whose last entry is the bias.
 */
public final class FeatureLayout {
    /** Influence: one decayed count per {@link InfluenceGroup}, then the all-time count. */
    public static final int INFLUENCE_ALL_TIME = InfluenceGroup.COUNT;
    public static final int INFLUENCE = InfluenceGroup.COUNT + 1;

    /** log1p of the user's count of events on the item, capped. */
    public static final int CTX_REPEAT = 0;
    /** Decay factor since the user last touched the item (features.half-life). */
    public static final int CTX_RECENCY = 1;
    /** 1 / (1 + the item's place in the user's recent items): the most recent item first, whatever the clock. */
    public static final int CTX_RECENT_RANK = 2;
    public static final int CTX_ITEM_DWELL = 3;
    /** The share of the user's (decayed) activity in the item's category. */
    public static final int CTX_CATEGORY_AFFINITY = 4;
    public static final int CTX_CATEGORY_DWELL = 5;
    /** Category affinity times the item's all-time popularity: popular within the user's categories. */
    public static final int CTX_CATEGORY_POPULARITY = 6;
    /** Cosine of the item's text to the user's text profile (what the user's items read like). */
    public static final int CTX_TEXT_AFFINITY = 7;
    /** Largest cosine of the item's text to the text of one of the user's most recent items. */
    public static final int CTX_TEXT_RECENT = 8;
    /** Co-occurrence (cosine) of the item with the user's most recent items, summed. */
    public static final int CTX_COVISIT = 9;
    /** 1 / (1 + the place of the item's category among the user's categories, most recent first). */
    public static final int CTX_CATEGORY_RECENT_RANK = 10;
    /**
     * The category recency rank times the item's popularity within its category (its all-time count against the
     * category's most popular item's, log-scaled): "popular in the user's latest categories", the heuristic that
     * beat every earlier version of this ranker on real data, as a feature.
     */
    public static final int CTX_CATEGORY_RECENT_POPULARITY = 11;
    /** The user's decayed counts on the item, one per {@link InfluenceGroup}. */
    public static final int CTX_TYPE_COUNTS = 12;
    /** One indicator per candidate source that proposed the item. */
    public static final int CTX_SOURCES = CTX_TYPE_COUNTS + InfluenceGroup.COUNT;
    public static final int CTX_BIAS = CTX_SOURCES + RetrievalSettings.Source.COUNT;
    public static final int CONTEXT = CTX_BIAS + 1;

    private final List<String> textModels;
    private final int dimsPerModel;

    public FeatureLayout(List<String> textModels, int dimsPerModel) {
        if (textModels.isEmpty()) {
            throw new IllegalArgumentException("at least one text model");
        }
        this.textModels = List.copyOf(textModels);
        this.dimsPerModel = dimsPerModel;
    }

    public List<String> textModels() {
        return textModels;
    }

    public int dimsPerModel() {
        return dimsPerModel;
    }

    /** Offset of a model's text slots, or -1 if the scorer does not use that model. */
    public int textOffset(String modelId) {
        int slot = textModels.indexOf(modelId);
        return slot < 0 ? -1 : slot * dimsPerModel;
    }

    public int textDims() {
        return textModels.size() * dimsPerModel;
    }

    public int influenceOffset() {
        return textDims();
    }

    public int contextOffset() {
        return textDims() + INFLUENCE;
    }

    public int size() {
        return contextOffset() + CONTEXT;
    }

    /**
     * The weights that carry the given groups, for ablations: a weight held at zero contributes nothing to any
     * score, exactly as if its feature were zero. The context features computed from text (text affinity, text
     * cosine to recent items, the text-source indicator) belong to both TEXT and CONTEXT, and those computed from
     * what other users did (popularity within categories, co-occurrence) to both INFLUENCE and CONTEXT; the bias
     * belongs to neither (it never changes a ranking).
     *
     * @return null when no weight is masked
     */
    public boolean[] mask(Set<FeatureGroup> groups) {
        if (groups.isEmpty()) {
            return null;
        }
        boolean[] mask = new boolean[size()];
        int ctx = contextOffset();
        if (groups.contains(FeatureGroup.TEXT)) {
            Arrays.fill(mask, 0, textDims(), true);
            mask[ctx + CTX_TEXT_AFFINITY] = true;
            mask[ctx + CTX_TEXT_RECENT] = true;
            mask[ctx + CTX_SOURCES + RetrievalSettings.Source.TEXT.ordinal()] = true;
        }
        if (groups.contains(FeatureGroup.INFLUENCE)) {
            Arrays.fill(mask, influenceOffset(), ctx, true);
            // context features made of what other users did: item popularity within categories, co-occurrence
            mask[ctx + CTX_CATEGORY_POPULARITY] = true;
            mask[ctx + CTX_CATEGORY_RECENT_POPULARITY] = true;
            mask[ctx + CTX_COVISIT] = true;
        }
        if (groups.contains(FeatureGroup.CONTEXT)) {
            Arrays.fill(mask, ctx, ctx + CTX_BIAS, true);
        }
        return mask;
    }

    /** A name per weight, for reports: text:model:i, influence:GROUP, context:NAME. */
    public List<String> names() {
        List<String> out = new java.util.ArrayList<>(size());
        for (String m : textModels) {
            for (int i = 0; i < dimsPerModel; i++) {
                out.add("text:" + m + ":" + i);
            }
        }
        for (InfluenceGroup g : InfluenceGroup.values()) {
            out.add("influence:" + g);
        }
        out.add("influence:ALL_TIME");
        for (String c : List.of("REPEAT", "RECENCY", "RECENT_RANK", "ITEM_DWELL", "CATEGORY_AFFINITY",
                "CATEGORY_DWELL", "CATEGORY_POPULARITY", "TEXT_AFFINITY", "TEXT_RECENT", "COVISIT", "CATEGORY_RECENT_RANK",
                "CATEGORY_RECENT_POPULARITY")) {
            out.add("context:" + c);
        }
        for (InfluenceGroup g : InfluenceGroup.values()) {
            out.add("context:USER_" + g);
        }
        for (RetrievalSettings.Source src : RetrievalSettings.Source.values()) {
            out.add("context:SOURCE_" + src);
        }
        out.add("context:BIAS");
        return out;
    }
}
