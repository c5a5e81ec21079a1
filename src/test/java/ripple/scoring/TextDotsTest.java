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
                float[] t = random(rnd, dims);
                float[][] user = new float[6][];
                for (int j = 0; j < user.length; j++) {
                    user[j] = random(rnd, size);
                }
                float[] simd = TextDots.newOutput();
                float[] scalar = TextDots.newOutput();
                VectorTextDots.compute(t, off, user[0], user[1], user[2], user[3], user[4], user[5], simd);
                TextDots.scalar(t, off, user[0], user[1], user[2], user[3], user[4], user[5], scalar);
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
        float[] t = {1f, 2f, 3f, 4f};
        TextDots.scalar(t, 0, zeros, zeros, zeros, zeros, zeros, zeros, out);
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

    private static float[] random(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }
}
