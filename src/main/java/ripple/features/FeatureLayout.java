package ripple.features;

import java.util.List;

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
}
