package ripple.scoring;

import jdk.incubator.vector.FloatVector;
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
     * machine). A constant, as the Vector API needs its species to be for the JIT to use SIMD at all.
     */
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;

    private VectorTextDots() {
    }

    static void compute(float[] t, int off, float[] mean, float[] w, float[] profile, float[] r0, float[] r1,
                        float[] r2, float[] out) {
        FloatVector wt = FloatVector.zero(LANES);
        FloatVector pt = wt;
        FloatVector cc = wt;
        FloatVector d0 = wt;
        FloatVector d1 = wt;
        FloatVector d2 = wt;
        int bound = LANES.loopBound(t.length);
        int i = 0;
        for (; i < bound; i += LANES.length()) {
            int o = off + i;
            FloatVector c = FloatVector.fromArray(LANES, t, i).sub(FloatVector.fromArray(LANES, mean, o));
            wt = FloatVector.fromArray(LANES, w, o).fma(c, wt);
            pt = FloatVector.fromArray(LANES, profile, o).fma(c, pt);
            cc = c.fma(c, cc);
            d0 = FloatVector.fromArray(LANES, r0, o).fma(c, d0);
            d1 = FloatVector.fromArray(LANES, r1, o).fma(c, d1);
            d2 = FloatVector.fromArray(LANES, r2, o).fma(c, d2);
        }
        out[TextDots.W] = wt.reduceLanes(VectorOperators.ADD);
        out[TextDots.PROFILE] = pt.reduceLanes(VectorOperators.ADD);
        out[TextDots.NORM_SQ] = cc.reduceLanes(VectorOperators.ADD);
        out[TextDots.RECENT0] = d0.reduceLanes(VectorOperators.ADD);
        out[TextDots.RECENT0 + 1] = d1.reduceLanes(VectorOperators.ADD);
        out[TextDots.RECENT0 + 2] = d2.reduceLanes(VectorOperators.ADD);
        if (i < t.length) {
            TextDots.scalarFrom(i, t, off, mean, w, profile, r0, r1, r2, out);
        }
    }
}
