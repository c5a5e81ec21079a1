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
     * Whether the weights and optimiser state must be stored at full precision. A user's own part under AdaGrad is
     * stored as float16 (see {@link UserStateCodec}); the shared prior's is not: its accumulator sums the squared
     * gradients of every user and outgrows float16, and its weights take small steps for as long as it runs.
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

    /** Marks these as stored in full (the shared prior's): see {@link #exact}. */
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
