package ripple.scoring;

import java.util.Arrays;
import ripple.features.RankRows;
import ripple.features.Simd;

/**
 * The one pass over a candidate's text that ranking makes: with c = t - mean (the item's centred text), the products
 * w.c, profile.c, c.c and r_k.c for the user's three most recent texts: 64 dims times six products per candidate,
 * about 83 ns as scalar code (six chains of fused multiply-adds, bound by their latency) and 19 ns in SIMD lanes
 * ({@link VectorTextDots}).
 *
 * <p>SIMD lanes are used when {@link Simd#ENABLED}; otherwise the scalar loop. The two sum in different orders, so
 * their results differ in the last bits of a float (tested to agree within that).
 */
final class TextDots {
    /** Whether the SIMD pass is used: decided once, at class load. */
    static final boolean SIMD = Simd.ENABLED;

    /** Slots of {@link #compute}'s output. */
    static final int W = 0;
    static final int PROFILE = 1;
    static final int NORM_SQ = 2;
    static final int RECENT0 = 3;
    static final int SIZE = 6;
    /** The length of an output array: the six products. */
    static final int OUTPUT_LENGTH = SIZE;

    private TextDots() {
    }

    /** An output array for {@link #compute}. */
    static float[] newOutput() {
        return new float[OUTPUT_LENGTH];
    }

    /**
     * Writes the six products into out[0..5] ({@link #W}, {@link #PROFILE}, {@link #NORM_SQ}, then the three recent
     * texts; {@link #newOutput}). The item's text is {@code n} 8-bit integers, four
     * to an int (value 4k + j in byte j of int k), in {@code t} from {@code at} (a
     * {@link ripple.features.RankRows} row); value i is integer i times {@code scale}, and is slot {@code off + i}
     * of every other array.
     */
    static void compute(int[] t, int at, int n, float scale, int off, float[] mean, float[] w, float[] profile,
                        float[] r0, float[] r1, float[] r2, float[] out) {
        if (SIMD) {
            VectorTextDots.compute(t, at, n, scale, off, mean, w, profile, r0, r1, r2, out);
        } else {
            scalar(t, at, n, scale, off, mean, w, profile, r0, r1, r2, out);
        }
    }

    /** The scalar pass: the reference the SIMD one is tested against. */
    static void scalar(int[] t, int at, int n, float scale, int off, float[] mean, float[] w, float[] profile,
                       float[] r0, float[] r1, float[] r2, float[] out) {
        Arrays.fill(out, 0, SIZE, 0f);
        scalarFrom(0, t, at, n, scale, off, mean, w, profile, r0, r1, r2, out);
    }

    /**
     * Adds the products over dims {@code from} (even) on to what out holds: the scalar pass, and the SIMD pass's
     * tail.
     */
    static void scalarFrom(int from, int[] t, int at, int n, float scale, int off, float[] mean, float[] w,
                           float[] profile, float[] r0, float[] r1, float[] r2, float[] out) {
        // six independent chains, one fused multiply-add per product
        float wt = out[W];
        float pt = out[PROFILE];
        float cc = out[NORM_SQ];
        float d0 = out[RECENT0];
        float d1 = out[RECENT0 + 1];
        float d2 = out[RECENT0 + 2];
        for (int i = from; i < n; i++) {
            int o = off + i;
            float c = RankRows.text(t, at, i, scale) - mean[o];
            wt = Math.fma(w[o], c, wt);
            pt = Math.fma(profile[o], c, pt);
            cc = Math.fma(c, c, cc);
            d0 = Math.fma(r0[o], c, d0);
            d1 = Math.fma(r1[o], c, d1);
            d2 = Math.fma(r2[o], c, d2);
        }
        out[W] = wt;
        out[PROFILE] = pt;
        out[NORM_SQ] = cc;
        out[RECENT0] = d0;
        out[RECENT0 + 1] = d1;
        out[RECENT0 + 2] = d2;
    }
}
