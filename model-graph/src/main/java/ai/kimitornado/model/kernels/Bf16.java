package ai.kimitornado.model.kernels;

/** bf16 → fp32 widening used inside kernels: a bf16 value is the top half of the fp32 bit pattern. */
public final class Bf16 {
    private Bf16() {
    }

    /** The sign-extended high bits of {@code bits} are shifted out, so no mask is needed. */
    public static float widen(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
