package ai.kimitornado.tasks.types;

/**
 * IEEE 754 binary16 ⇄ float conversions on raw 16-bit patterns. Usable inside kernels: the JIT maps them to the
 * device's conversion instructions (round to nearest even when narrowing, exactly like the JDK).
 */
public final class Float16 {
    private Float16() {
    }

    /** Widens the fp16 bit pattern {@code bits} to float (exact). */
    public static float toFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Narrows {@code value} to the nearest fp16 bit pattern (ties to even; overflow to infinity). */
    public static short fromFloat(float value) {
        return Float.floatToFloat16(value);
    }
}
