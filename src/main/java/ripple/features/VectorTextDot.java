package ripple.features;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** {@link RankRows#textDot}'s product in SIMD lanes. Loaded only when {@link Simd#ENABLED} holds. */
final class VectorTextDot {
    /** Eight lanes, as the ranker's text pass uses ({@link Simd#ENABLED} holds only where the CPU has them). */
    private static final VectorSpecies<Float> LANES = FloatVector.SPECIES_256;
    /** Eight 8-bit integers, loaded as two ints. */
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_64;

    private VectorTextDot() {
    }

    /**
     * The sum over i of integer i times {@code query[i]}, for the {@code n} 8-bit integers from {@code at} in
     * {@code t}, four to an int (value 4k + j in byte j of int k, lowest first).
     */
    static float dot(int[] t, int at, int n, float[] query) {
        FloatVector sum = FloatVector.zero(LANES);
        int bound = LANES.loopBound(n);
        int i = 0;
        for (; i < bound; i += LANES.length()) {
            ByteVector q = IntVector.fromArray(INTS, t, at + (i >> 2)).reinterpretAsBytes();
            sum = ((FloatVector) q.convertShape(VectorOperators.B2F, LANES, 0))
                    .fma(FloatVector.fromArray(LANES, query, i), sum);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(RankRows.text(t, at, i, 1f), query[i], s);
        }
        return s;
    }
}
