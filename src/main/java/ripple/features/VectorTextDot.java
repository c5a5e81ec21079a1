package ripple.features;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** {@link RankRows#textDot}'s product in SIMD lanes. Loaded only when {@link Simd#ENABLED} holds. */
final class VectorTextDot {
    /** Eight lanes where the CPU has them, as the ranker's text pass uses. */
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_PREFERRED.length() >= 8
            ? FloatVector.SPECIES_256 : FloatVector.SPECIES_PREFERRED;
    /** As many 16-bit integers as {@link #LANES} has floats, loaded as half as many ints. */
    private static final VectorSpecies<Integer> INTS =
            IntVector.SPECIES_64.withShape(VectorShape.forBitSize(LANES.vectorBitSize() / 2));

    private VectorTextDot() {
    }

    /**
     * The sum over i of integer i times {@code query[i]}, for the {@code n} 16-bit integers from {@code at} in
     * {@code t}, two to an int (value 2k in the low half of int k).
     */
    static float dot(int[] t, int at, int n, float[] query) {
        FloatVector sum = FloatVector.zero(LANES);
        int bound = LANES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES.length()) {
            ShortVector q = IntVector.fromArray(INTS, t, at + (i >> 1)).reinterpretAsShorts();
            sum = ((FloatVector) q.convertShape(VectorOperators.S2F, LANES, 0))
                    .fma(FloatVector.fromArray(LANES, query, i), sum);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(RankRows.text(t, at, i, 1f), query[i], s);
        }
        return s;
    }
}
