package ripple.scoring;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TextDots#compute} in SIMD lanes. Loaded only when {@link TextDots#SIMD} holds: without the incubating
 * module this class cannot link.
 */
final class VectorTextDots {
    /**
     * Eight lanes where the CPU has them: six sums of 16 lanes (AVX-512) cost more to reduce than their shorter
     * loop saves (64 dims: 19 ns a candidate in 8 lanes, 23 ns in 16, 83 ns scalar; microbenchmark on this
     * machine; with both reduced in registers, 16 lanes took a scoring step 1.083 times as long, 2026-12-04). A constant, as the Vector API needs its species to be for the JIT to use SIMD at all;
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
        reduce(wt, pt, cc, d0, d1, d2, out);
        if (i < n) {
            TextDots.scalarFrom(i, t, at, n, scale, off, mean, w, profile, r0, r1, r2, out);
        }
    }

    /** Lanes 4-7: where the second operand of {@link #fold} comes from. */
    private static final VectorMask<Float> HIGH_HALF = VectorMask.fromLong(LANES, 0b1111_0000);
    /** Lanes 2-3 and 6-7. */
    private static final VectorMask<Float> HIGH_PAIRS = VectorMask.fromLong(LANES, 0b1100_1100);
    private static final VectorShuffle<Float> SWAP_HALVES = VectorShuffle.fromValues(LANES, 4, 5, 6, 7, 0, 1, 2, 3);
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromValues(LANES, 2, 3, 0, 1, 6, 7, 4, 5);
    private static final VectorShuffle<Float> SWAP_NEIGHBOURS = VectorShuffle.fromValues(LANES, 1, 0, 3, 2, 5, 4, 7,
            6);

    /**
     * The six sums of eight lanes into out[0..5], in registers: each step adds two vectors' halves (or pairs) into
     * one vector that holds partial sums of both, so the six reductions share their shuffles and adds. Storing the
     * lanes and adding them in scalar code (six times eight loads and seven adds) took a scoring step 1.7% longer
     * (bench/pair-step.sh, 2026-12-04).
     */
    private static void reduce(FloatVector wt, FloatVector pt, FloatVector cc, FloatVector d0, FloatVector d1,
                               FloatVector d2, float[] out) {
        // lanes 0-3 hold a's partial sums, 4-7 b's
        FloatVector wp = fold(wt, pt, HIGH_HALF, SWAP_HALVES);
        FloatVector cr = fold(cc, d0, HIGH_HALF, SWAP_HALVES);
        FloatVector rr = fold(d1, d2, HIGH_HALF, SWAP_HALVES);
        // lanes 0-1: w, 2-3: norm, 4-5: profile, 6-7: recent 0
        FloatVector four = fold(wp, cr, HIGH_PAIRS, SWAP_PAIRS);
        // lanes 0-1 (and 2-3): recent 1, 4-5 (and 6-7): recent 2
        FloatVector two = rr.add(rr.rearrange(SWAP_PAIRS));
        FloatVector sums4 = four.add(four.rearrange(SWAP_NEIGHBOURS));
        FloatVector sums2 = two.add(two.rearrange(SWAP_NEIGHBOURS));
        out[TextDots.W] = sums4.lane(0);
        out[TextDots.NORM_SQ] = sums4.lane(2);
        out[TextDots.PROFILE] = sums4.lane(4);
        out[TextDots.RECENT0] = sums4.lane(6);
        out[TextDots.RECENT0 + 1] = sums2.lane(0);
        out[TextDots.RECENT0 + 2] = sums2.lane(4);
    }

    /**
     * a's lanes outside {@code from} plus b's inside it, added to the rest of both brought over by {@code swap}:
     * where the mask is clear, partial sums of a; where it is set, of b.
     */
    private static FloatVector fold(FloatVector a, FloatVector b, VectorMask<Float> from, VectorShuffle<Float> swap) {
        return a.blend(b, from).add(b.blend(a, from).rearrange(swap));
    }
}
