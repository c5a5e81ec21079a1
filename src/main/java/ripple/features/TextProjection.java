package ripple.features;

import java.util.SplittableRandom;

/**
 * A fixed Gaussian random projection of an embedding to fewer dims (Johnson-Lindenstrauss: inner products are
 * kept approximately). It keeps per-user weights small. The matrix depends only on the seed, the model and the
 * dims, so every scorer instance computes the same features.
 */
public final class TextProjection {
    private final int in;
    private final int out;
    private final float[] matrix; // row-major [in][out]; null means identity

    public TextProjection(String modelId, int in, int out, long seed) {
        this.in = in;
        this.out = out;
        if (in == out) {
            this.matrix = null;
            return;
        }
        SplittableRandom rnd = new SplittableRandom(seed * 31 + modelId.hashCode() * 17L + in);
        float scale = (float) (1.0 / Math.sqrt(out));
        this.matrix = new float[in * out];
        for (int i = 0; i < matrix.length; i++) {
            matrix[i] = (float) gaussian(rnd) * scale;
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u1 = 1.0 - rnd.nextDouble();
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    public float[] project(float[] embedding) {
        if (embedding.length != in) {
            throw new IllegalArgumentException("embedding has " + embedding.length + " dims, expected " + in);
        }
        if (matrix == null) {
            return embedding.clone();
        }
        float[] y = new float[out];
        for (int i = 0; i < in; i++) {
            float x = embedding[i];
            if (x == 0f) {
                continue;
            }
            int row = i * out;
            for (int j = 0; j < out; j++) {
                y[j] += x * matrix[row + j];
            }
        }
        return y;
    }
}
