package ripple.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD text pass against the scalar reference, and the reference against plain double arithmetic. */
class TextDotsTest {

    @Test
    void theTestJvmRunsTheSimdPass() {
        // surefire starts the tests with the incubating module, as the launcher starts Ripple: the SIMD pass is
        // what the tests of ranking exercise
        assertThat(TextDots.SIMD).isTrue();
    }

    @Test
    void theSimdPassAgreesWithTheScalarOneAtEveryLengthAndOffset() {
        SplittableRandom rnd = new SplittableRandom(17);
        // lengths around and between the lane counts (8 and 16), a text at a model's offset in f_i
        for (int dims : new int[] {1, 7, 8, 9, 16, 31, 64, 67, 384}) {
            for (int off : new int[] {0, 5, 64}) {
                int size = off + dims + 3;
                float scale = 1f / 30_000;
                int[] row = row(rnd, dims, 5);
                float[] t = values(row, 5, dims, scale);
                float[][] user = new float[6][];
                for (int j = 0; j < user.length; j++) {
                    user[j] = random(rnd, size);
                }
                float[] simd = TextDots.newOutput();
                float[] scalar = TextDots.newOutput();
                VectorTextDots.compute(row, 5, dims, scale, off, user[0], user[1], user[2], user[3], user[4], user[5],
                        simd);
                TextDots.scalar(row, 5, dims, scale, off, user[0], user[1], user[2], user[3], user[4], user[5], scalar);
                double[] exact = exact(t, off, user);
                for (int k = 0; k < TextDots.SIZE; k++) {
                    assertThat((double) simd[k]).as("dims %d, off %d, product %d", dims, off, k)
                            .isCloseTo(exact[k], within(1e-4 * dims));
                    assertThat((double) scalar[k]).as("dims %d, off %d, product %d", dims, off, k)
                            .isCloseTo(exact[k], within(1e-4 * dims));
                }
            }
        }
    }

    @Test
    void theScalarPassStartsFromZeroWhateverTheOutputHeld() {
        float[] out = {9f, 9f, 9f, 9f, 9f, 9f};
        float[] zeros = new float[4];
        // integers 2, 4, 6, 8 at scale 0.5: the values 1, 2, 3, 4
        int[] row = {2 | 4 << 8 | 6 << 16 | 8 << 24};
        TextDots.scalar(row, 0, 4, 0.5f, 0, zeros, zeros, zeros, zeros, zeros, zeros, out);
        assertThat(out).containsExactly(0f, 0f, 30f, 0f, 0f, 0f);
    }

    /** w.c, profile.c, c.c, r0.c, r1.c, r2.c with c = t - mean, in double. */
    private static double[] exact(float[] t, int off, float[][] user) {
        double[] out = new double[TextDots.SIZE];
        for (int i = 0; i < t.length; i++) {
            double c = t[i] - (double) user[0][off + i];
            out[TextDots.W] += user[1][off + i] * c;
            out[TextDots.PROFILE] += user[2][off + i] * c;
            out[TextDots.NORM_SQ] += c * c;
            for (int r = 0; r < 3; r++) {
                out[TextDots.RECENT0 + r] += user[3 + r][off + i] * c;
            }
        }
        return out;
    }

    /**
     * A row holding {@code dims} random 8-bit integers, four to an int, from {@code at}, with other ints before and
     * after them (as in a RankRows row): a pass that read past its text would read them.
     */
    private static int[] row(SplittableRandom rnd, int dims, int at) {
        int[] row = new int[at + (dims + 3) / 4 + 7];
        for (int i = 0; i < row.length; i++) {
            row[i] = rnd.nextInt();
        }
        if (dims % 4 != 0) {
            row[at + dims / 4] &= (1 << (8 * (dims % 4))) - 1; // the last int's unused bytes are empty, as in rows
        }
        return row;
    }

    /** The text values the row holds: each 8-bit integer times the scale. */
    private static float[] values(int[] row, int at, int dims, float scale) {
        float[] t = new float[dims];
        for (int i = 0; i < dims; i++) {
            int bits = row[at + i / 4];
            t[i] = (byte) (bits >> (8 * (i % 4))) * scale;
        }
        return t;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }
}
