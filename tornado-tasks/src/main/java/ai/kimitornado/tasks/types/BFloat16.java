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
}
