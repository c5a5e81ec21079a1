package ripple.embedding;

import java.nio.FloatBuffer;

/**
 * How token vectors become one sentence vector. The model decides: bge was trained with the [CLS]
 * vector, all-MiniLM with the attention-mask-weighted mean. Both results are L2-normalised so that
 * a dot product is the cosine similarity.
 */
public enum Pooling {
    CLS,
    MEAN;

    /**
     * Pools {@code hidden}, laid out as [batch, seq, dim] row-major, into {@code batch} unit vectors.
     * Reads the buffer by absolute index so callers can pass a view of the native output without
     * copying it into a float[] first.
     *
     * @param attentionMask [batch, seq] row-major, 1 for real tokens and 0 for padding
     */
    public float[][] pool(FloatBuffer hidden, int batch, int seq, int dim, long[] attentionMask) {
        float[][] out = new float[batch][dim];
        for (int b = 0; b < batch; b++) {
            float[] v = out[b];
            int rowBase = b * seq * dim;
            if (this == CLS) {
                hidden.get(rowBase, v);
            } else {
                int tokens = 0;
                for (int t = 0; t < seq; t++) {
                    if (attentionMask[b * seq + t] == 0) {
                        continue;
                    }
                    tokens++;
                    int base = rowBase + t * dim;
                    for (int d = 0; d < dim; d++) {
                        v[d] += hidden.get(base + d);
                    }
                }
                float inv = 1f / Math.max(tokens, 1);
                for (int d = 0; d < dim; d++) {
                    v[d] *= inv;
                }
            }
            normalise(v);
        }
        return out;
    }

    private static void normalise(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        // the epsilon keeps an all-zero vector (impossible for a BERT encoder, but cheap to guard) finite
        float inv = (float) (1.0 / Math.max(Math.sqrt(sum), 1e-12));
        for (int d = 0; d < v.length; d++) {
            v[d] *= inv;
        }
    }

    /** Parses a setting value, case-insensitively. */
    public static Pooling parse(String value, String setting) {
        for (Pooling p : values()) {
            if (p.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return p;
            }
        }
        throw new EmbeddingConfigException(setting, "must be cls or mean, was '" + value + "'");
    }
}
