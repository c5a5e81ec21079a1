package ripple.features;

import java.util.Arrays;

/** A user's learned weights with their optimiser moments: owned by the learner. */
public final class UserWeights {
    public final float[] weights;
    public final float[] moment1;
    public final float[] moment2;
    /** Optimiser steps taken. */
    public long step;
    /** Which text-model versions the text weights were learned on; a change resets them. */
    public int textFingerprint;
    /**
     * Whether the optimiser state must be stored at full precision. A user's AdaGrad accumulator is stored as
     * float16 (it only sets step sizes, through sqrt(acc + 0.1)); the shared prior's is not, because it sums the
     * squared gradients of every user, outgrows float16 and would stop growing where a small step no longer
     * changes it.
     */
    boolean exact;

    UserWeights(float[] weights, float[] moment1, float[] moment2, long step, int textFingerprint) {
        if (moment1.length != weights.length || moment2.length != weights.length) {
            throw new IllegalArgumentException("weights and moments differ in length: " + weights.length + ", "
                    + moment1.length + ", " + moment2.length);
        }
        this.weights = weights;
        this.moment1 = moment1;
        this.moment2 = moment2;
        this.step = step;
        this.textFingerprint = textFingerprint;
    }

    /** Marks this as state whose optimiser moments are stored in full (the shared prior's): see {@link #exact}. */
    public void storeExactly() {
        exact = true;
    }

    /** Clears the first {@code textDims} weights and their moments, now learned on the given text models. */
    void resetText(int textDims, int fingerprint) {
        Arrays.fill(weights, 0, textDims, 0f);
        Arrays.fill(moment1, 0, textDims, 0f);
        Arrays.fill(moment2, 0, textDims, 0f);
        textFingerprint = fingerprint;
    }
}
