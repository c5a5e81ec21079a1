package ripple.features;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Where each feature group sits in f_i and w_u. Text takes {@code dimsPerModel} slots per text model (each
 * model's embeddings live in their own slots, so two embedding spaces never share a weight), then the
 * influence group, then the context group whose last entry is the bias.
 */
public final class FeatureLayout {
    public static final int CONTEXT = 7;
    public static final int CTX_REPEAT = 0;
    public static final int CTX_RECENCY = 1;
    public static final int CTX_ITEM_DWELL = 2;
    public static final int CTX_CATEGORY_AFFINITY = 3;
    public static final int CTX_CATEGORY_DWELL = 4;
    /** Cosine of the item's text to the user's text profile (what the user's items read like). */
    public static final int CTX_TEXT_AFFINITY = 5;
    public static final int CTX_BIAS = 6;

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
        return textDims() + InfluenceGroup.COUNT;
    }

    public int size() {
        return contextOffset() + CONTEXT;
    }

    /**
     * The weights that carry the given groups, for ablations: a weight held at zero contributes nothing to any
     * score, exactly as if its feature were zero. The text-affinity context feature is computed from text, so it
     * belongs to both TEXT and CONTEXT; the bias belongs to neither (it never changes a ranking).
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
        }
        if (groups.contains(FeatureGroup.INFLUENCE)) {
            Arrays.fill(mask, influenceOffset(), ctx, true);
        }
        if (groups.contains(FeatureGroup.CONTEXT)) {
            Arrays.fill(mask, ctx, ctx + CTX_BIAS, true);
        }
        return mask;
    }
}
