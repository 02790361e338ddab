package ai.kimitornado.weights.safetensors;

/** bfloat16 &lt;-&gt; float conversions (bf16 is the upper half of an IEEE float). */
public final class Bf16 {
    private Bf16() {
    }

    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** Round to nearest even, as PyTorch does; NaN stays a (quiet) NaN. */
    public static short fromFloat(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /** The float that {@code value} becomes after a round trip through bf16. */
    public static float round(float value) {
        return toFloat(fromFloat(value));
    }
}
