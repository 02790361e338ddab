package ai.kimitornado.tasks.types;

/**
 * bfloat16 ⇄ float conversions on raw 16-bit patterns (bf16 is the upper half of a float). Written with plain
 * integer operations so the JIT inlines them like any static helper.
 */
public final class BFloat16 {
    private BFloat16() {
    }

    /** Widens the bf16 bit pattern {@code bits} to float (exact). */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Narrows {@code value} to bf16, rounding to nearest even; NaN stays a (quiet) NaN. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7FFF + lsb) >>> 16);
    }

    /**
     * Widens element {@code lane} (0..3) of four bf16 patterns packed little-endian in a long (what
     * {@code BFloat16Array.getBits4} returns) to float (exact). With a constant lane the JIT folds it to two shifts.
     */
    public static float packedToFloat(long packed, int lane) {
        return Float.intBitsToFloat(((int) (packed >>> (lane << 4))) << 16);
    }
}
