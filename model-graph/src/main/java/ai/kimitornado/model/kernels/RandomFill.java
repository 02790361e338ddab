package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/**
 * Fills a weight buffer on the device with seeded, counter-based pseudo-random values, so full-size models run
 * without a checkpoint and without the weights ever existing on the host:
 * <pre>  w[i] = center + halfWidth · (2·u(i, key) − 1),   u = top 24 bits of hash(i, key) / 2^24 ∈ [0, 1) </pre>
 * The hash is two rounds of the murmur3 32-bit finaliser over (i·φ + keyLo) then ^ keyHi: stateless, so every
 * element is independent of grid and order and the host can recompute any element ({@link #value}).
 * bf16 stores round to nearest even (values are finite). Shapes: w [n]. Grid: 1D, any size (grid-stride loop).
 */
public final class RandomFill {
    private RandomFill() {
    }

    public static void bf16(KernelContext ctx, BFloat16Array w, int n, int keyLo, int keyHi, float center, float halfWidth) {
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            w.setBits(i, toBf16Bits(value(i, keyLo, keyHi, center, halfWidth)));
        }
    }

    public static void fp32(KernelContext ctx, FloatArray w, int n, int keyLo, int keyHi, float center, float halfWidth) {
        for (int i = ctx.globalIdx; i < n; i += ctx.globalGroupSizeX) {
            w.set(i, value(i, keyLo, keyHi, center, halfWidth));
        }
    }

    /** Element {@code i} of the stream (key), as the kernels compute it (Java float semantics on every device). */
    public static float value(int i, int keyLo, int keyHi, float center, float halfWidth) {
        int h = mix(mix(i * 0x9E3779B9 + keyLo) ^ keyHi);
        float u = (h >>> 8) * 5.9604645e-8f; // 2^-24
        return center + halfWidth * (2f * u - 1f);
    }

    /** murmur3 fmix32: a bijection of int with full avalanche. */
    public static int mix(int x) {
        int h = x ^ (x >>> 16);
        h = h * 0x85EBCA6B;
        h = h ^ (h >>> 13);
        h = h * 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** fp32 → bf16 bits, round to nearest even (finite inputs). */
    public static short toBf16Bits(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
