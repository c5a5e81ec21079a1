package ripple.features;

/**
 * IEEE 754 half precision (float16), for stored values whose precision does not matter much (Java 17 has no
 * {@code Float.floatToFloat16}). Rounds to the nearest, ties to even; a value beyond the largest half (65504)
 * saturates there instead of becoming infinite, so a large accumulator stays finite.
 */
final class Half {
    /** The largest finite half, as a float. */
    static final float MAX = 65504f;
    /** The bits of 2^-25: a float of magnitude at most this becomes a (signed) zero half. */
    private static final int ZERO_BELOW_BITS = 0x3300_0000;

    private Half() {
    }

    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = bits >>> 16 & 0x8000;
        int abs = bits & 0x7FFF_FFFF;
        if (abs > 0x7F80_0000) {
            return (short) (sign | 0x7E00); // NaN
        }
        if (abs >= 0x477F_F000) {
            return (short) (sign | 0x7BFF); // rounds to 65520 or more, infinity included: saturate
        }
        if (abs >= 0x3880_0000) { // normal: rebias the exponent, round the 13 dropped mantissa bits
            int h = (abs - 0x3800_0000) >> 13;
            int rest = abs & 0x1FFF;
            if (rest > 0x1000 || rest == 0x1000 && (h & 1) == 1) {
                h++;
            }
            return (short) (sign | h);
        }
        if (abs < ZERO_BELOW_BITS) {
            return (short) sign; // below half the smallest subnormal, 2^-25: zero (2^-25 itself ties to zero below)
        }
        // subnormal: the value in units of 2^-24
        int exp = abs >>> 23;
        int mant = abs & 0x7F_FFFF | 0x80_0000;
        int shift = 126 - exp;
        int h = mant >> shift;
        int rest = mant & (1 << shift) - 1;
        int half = 1 << shift - 1;
        if (rest > half || rest == half && (h & 1) == 1) {
            h++;
        }
        return (short) (sign | h);
    }

    /**
     * Whether {@code f} becomes a half other than zero: {@code (fromFloat(f) & 0x7FFF) != 0}, read from the bits
     * without converting (magnitudes up to 2^-25 become zero; NaN does not).
     */
    static boolean nonZero(float f) {
        return (Float.floatToRawIntBits(f) & 0x7FFF_FFFF) > ZERO_BELOW_BITS;
    }

    static float toFloat(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exp = h >>> 10 & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F80_0000 | mant << 13);
        }
        return Float.intBitsToFloat(sign | exp + 112 << 23 | mant << 13);
    }

    /** The float {@code f} becomes when stored as a half. */
    static float round(float f) {
        return toFloat(fromFloat(f));
    }
}
