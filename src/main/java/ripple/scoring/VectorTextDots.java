package ripple.scoring;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TextDots#compute} in SIMD lanes. Loaded only when {@link TextDots#SIMD} holds: without the incubating
 * module this class cannot link.
 */
final class VectorTextDots {
    /**
     * Eight lanes where the CPU has them: six sums of 16 lanes (AVX-512) cost more to reduce than their shorter
     * loop saves (64 dims: 19 ns a candidate in 8 lanes, 23 ns in 16, 83 ns scalar; microbenchmark on this
     * machine). A constant, as the Vector API needs its species to be for the JIT to use SIMD at all;
     * {@link ripple.features.Simd#ENABLED} holds only where the CPU has eight lanes.
     */
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
    /** The text's 8-bit integers, as many as {@link #LANES} has floats: loaded as two ints. */
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_64;

    private VectorTextDots() {
    }

    static void compute(int[] t, int at, int n, float scale, int off, float[] mean, float[] w, float[] profile,
                        float[] r0, float[] r1, float[] r2, float[] out) {
        FloatVector wt = FloatVector.zero(LANES);
        FloatVector pt = wt;
        FloatVector cc = wt;
        FloatVector d0 = wt;
        FloatVector d1 = wt;
        FloatVector d2 = wt;
        int bound = LANES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES.length()) {
            int o = off + i;
            ByteVector q = IntVector.fromArray(INTS, t, at + (i >> 2)).reinterpretAsBytes();
            FloatVector c = ((FloatVector) q.convertShape(VectorOperators.B2F, LANES, 0)).mul(scale)
                    .sub(FloatVector.fromArray(LANES, mean, o));
            wt = FloatVector.fromArray(LANES, w, o).fma(c, wt);
            pt = FloatVector.fromArray(LANES, profile, o).fma(c, pt);
            cc = c.fma(c, cc);
            d0 = FloatVector.fromArray(LANES, r0, o).fma(c, d0);
            d1 = FloatVector.fromArray(LANES, r1, o).fma(c, d1);
            d2 = FloatVector.fromArray(LANES, r2, o).fma(c, d2);
        }
        // Each sum's lanes are added in scalar code from out's scratch: six reduceLanes, each a chain of adds in
        // lane order, were a fifth of ranking's time with every candidate in cache.
        int lanes = LANES.length();
        int lanesAt = TextDots.SIZE;
        wt.intoArray(out, lanesAt);
        pt.intoArray(out, lanesAt + lanes);
        cc.intoArray(out, lanesAt + 2 * lanes);
        d0.intoArray(out, lanesAt + 3 * lanes);
        d1.intoArray(out, lanesAt + 4 * lanes);
        d2.intoArray(out, lanesAt + 5 * lanes);
        for (int k = 0; k < TextDots.SIZE; k++) {
            out[k] = sumLanes(out, lanesAt + k * lanes, lanes);
        }
        if (i < n) {
            TextDots.scalarFrom(i, t, at, n, scale, off, mean, w, profile, r0, r1, r2, out);
        }
    }

    /** The sum of {@code n} floats from {@code from}, as a tree: its adds do not wait on each other in a chain. */
    private static float sumLanes(float[] a, int from, int n) {
        if (n == 8) {
            return ((a[from] + a[from + 1]) + (a[from + 2] + a[from + 3]))
                    + ((a[from + 4] + a[from + 5]) + (a[from + 6] + a[from + 7]));
        }
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += a[from + i];
        }
        return s;
    }
}
