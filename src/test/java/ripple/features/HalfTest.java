package ripple.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {
    @Test
    void nonZeroAgreesWithTheConversion() {
        // every 257th bit pattern of each sign, and every pattern near the boundary 2^-25 (0x33000000)
        for (long bits = 0; bits <= 0xFFFF_FFFFL; bits += 257) {
            float f = Float.intBitsToFloat((int) bits);
            assertThat(Half.nonZero(f)).as("bits %08x", bits).isEqualTo((Half.fromFloat(f) & 0x7FFF) != 0);
        }
        for (int sign : new int[] {0, 0x8000_0000}) {
            for (int bits = 0x32FF_FF00; bits <= 0x3300_0100; bits++) {
                float f = Float.intBitsToFloat(sign | bits);
                assertThat(Half.nonZero(f)).as("bits %08x", sign | bits)
                        .isEqualTo((Half.fromFloat(f) & 0x7FFF) != 0);
            }
        }
        assertThat(Half.nonZero(0x1p-25f)).isFalse();
        assertThat(Half.nonZero(Math.nextUp(0x1p-25f))).isTrue();
    }

    @Test
    void everyFiniteHalfComesBackAsItself() {
        for (int h = 0; h <= 0xFFFF; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                continue;
            }
            if (Float.isInfinite(f)) {
                assertThat(Half.fromFloat(f)).as("infinity saturates").isEqualTo((short) (h & 0x8000 | 0x7BFF));
                continue;
            }
            assertThat(Half.fromFloat(f)).as("half %04x = %s", h, f).isEqualTo((short) h);
        }
    }

    @Test
    void knownValues() {
        assertThat(Half.toFloat((short) 0x3C00)).isEqualTo(1f);
        assertThat(Half.toFloat((short) 0xC000)).isEqualTo(-2f);
        assertThat(Half.toFloat((short) 0x7BFF)).isEqualTo(65504f);
        assertThat(Half.toFloat((short) 0x0001)).isEqualTo(0x1p-24f);
        assertThat(Half.toFloat((short) 0x0400)).isEqualTo(0x1p-14f);
        assertThat(Half.fromFloat(0.1f)).isEqualTo((short) 0x2E66);
        assertThat(Half.fromFloat(1e9f)).isEqualTo((short) 0x7BFF);
        assertThat(Half.fromFloat(-1e9f)).isEqualTo((short) 0xFBFF);
        assertThat(Half.fromFloat(1e-9f)).isZero();
        assertThat(Float.isNaN(Half.round(Float.NaN))).isTrue();
    }

    @Test
    void roundsToTheNearestHalfWithTiesToEven() {
        SplittableRandom rnd = new SplittableRandom(11);
        for (int i = 0; i < 200_000; i++) {
            // magnitudes from subnormal halves to beyond the largest
            float f = (float) (Math.pow(2, rnd.nextDouble(-26, 17)) * (rnd.nextBoolean() ? 1 : -1));
            short h = Half.fromFloat(f);
            float got = Half.toFloat(h);
            if (Math.abs(f) >= Half.MAX) {
                assertThat(got).isEqualTo(Math.copySign(Half.MAX, f));
                continue;
            }
            float below = Half.toFloat((short) (h - 1));
            float above = Half.toFloat((short) (h + 1));
            double err = Math.abs((double) f - got);
            for (float neighbour : new float[] {below, above}) {
                if (!Float.isNaN(neighbour) && !Float.isInfinite(neighbour) && Math.signum(neighbour) == Math.signum(got)) {
                    double other = Math.abs((double) f - neighbour);
                    assertThat(err).as("%s stored as %s, not %s", f, got, neighbour).isLessThanOrEqualTo(other);
                    if (err == other) {
                        assertThat(h & 1).as("tie to even for %s", f).isZero();
                    }
                }
            }
        }
    }

    @Test
    void tiesGoToTheEvenHalf() {
        // 1 + 2^-11 lies halfway between 1 (0x3C00, even) and 1 + 2^-10 (0x3C01)
        assertThat(Half.fromFloat(1f + 0x1p-11f)).isEqualTo((short) 0x3C00);
        // 1 + 3 * 2^-11 lies halfway between 0x3C01 (odd) and 0x3C02 (even)
        assertThat(Half.fromFloat(1f + 3 * 0x1p-11f)).isEqualTo((short) 0x3C02);
        // halfway between the two smallest subnormals, 2^-24 and 2^-23
        assertThat(Half.fromFloat(1.5f * 0x1p-24f)).isEqualTo((short) 0x0002);
        assertThat(Half.fromFloat(0x1p-25f)).isZero();
    }
}
