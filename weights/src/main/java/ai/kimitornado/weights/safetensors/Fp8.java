package ai.kimitornado.weights.safetensors;

/** Decoders for the two OCP 8-bit float formats (read only). */
final class Fp8 {
    private Fp8() {
    }

    /** E4M3 "FN": bias 7, no infinities, S.1111.111 is NaN, max 448. */
    static float e4m3ToFloat(byte b) {
        int v = b & 0xFF;
        int sign = (v >>> 7) != 0 ? -1 : 1;
        int exp = (v >>> 3) & 0xF;
        int man = v & 0x7;
        if (exp == 0xF && man == 0x7) {
            return Float.NaN;
        }
        if (exp == 0) {
            return sign * man * 0x1p-9f; // subnormal: man/8 * 2^-6
        }
        return sign * (1 + man / 8f) * (float) Math.scalb(1.0, exp - 7);
    }

    /** E5M2: bias 15, IEEE semantics (infinities and NaNs at exponent 31). */
    static float e5m2ToFloat(byte b) {
        // E5M2 is the upper byte of an IEEE half.
        return Float.float16ToFloat((short) ((b & 0xFF) << 8));
    }
}
