package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/**
 * Helpers of the warp-per-row decode kernels ({@link MatVecBf16Warp}, {@link KdaGatesWarp}) and of the MoE
 * expert row kernels ({@link MoeExpertsGateUpDeep}, {@link MoeExpertsDownSlots}); inlined by the JIT, not kernels. A "quad" is four consecutive bf16 (one aligned 8-byte
 * {@code getBits4} load). Products are accumulated with explicit {@link Math#fma} (Java forbids contraction, so
 * {@code a*b+c} would be a mul and an add on every backend).
 */
final class WarpRowDot {
    static final int WARP = KernelContext.WARP_SIZE;

    private WarpRowDot() {
    }

    /** bf16 lane {@code k} (constant) of a packed quad widened exactly: even lanes shifted up, odd lanes masked. */
    static float lo0(long p) {
        return Float.intBitsToFloat(((int) p) << 16);
    }

    static float lo1(long p) {
        return Float.intBitsToFloat(((int) p) & 0xFFFF0000);
    }

    static float hi0(long p) {
        return Float.intBitsToFloat(((int) (p >>> 32)) << 16);
    }

    static float hi1(long p) {
        return Float.intBitsToFloat(((int) (p >>> 32)) & 0xFFFF0000);
    }

    /** acc + Σ_k w_k · x[c + k] for the packed weight quad {@code p}. */
    static float dot(long p, FloatArray x, int c, float acc) {
        float a = Math.fma(lo0(p), x.get(c), acc);
        a = Math.fma(lo1(p), x.get(c + 1), a);
        a = Math.fma(hi0(p), x.get(c + 2), a);
        return Math.fma(hi1(p), x.get(c + 3), a);
    }

    /** acc + Σ_k w_k · (n_k · x[c + k]): the RMSNorm weight quad {@code n} applied to x on the way (the norm's 1/rms is applied by the caller to the row total). */
    static float dotScaled(long p, long n, FloatArray x, int c, float acc) {
        float a = Math.fma(lo0(p), lo0(n) * x.get(c), acc);
        a = Math.fma(lo1(p), lo1(n) * x.get(c + 1), a);
        a = Math.fma(hi0(p), hi0(n) * x.get(c + 2), a);
        return Math.fma(hi1(p), hi1(n) * x.get(c + 3), a);
    }

    /**
     * One lane's share of a row dot: Σ over quads q = first, first + stride, … < quads of W[wBase + 4q ..] · x[4q ..].
     * Full steps of four quads (four 8-byte loads in flight, no guards), then single quads.
     */
    static float lanePart(BFloat16Array w, int wBase, FloatArray x, int quads, int first, int stride) {
        float a0 = 0f;
        float a1 = 0f;
        int q = first;
        for (; q + 3 * stride < quads; q += 4 * stride) {
            long p0 = w.getBits4(wBase + 4 * q);
            long p1 = w.getBits4(wBase + 4 * (q + stride));
            long p2 = w.getBits4(wBase + 4 * (q + 2 * stride));
            long p3 = w.getBits4(wBase + 4 * (q + 3 * stride));
            a0 = dot(p0, x, 4 * q, a0);
            a1 = dot(p1, x, 4 * (q + stride), a1);
            a0 = dot(p2, x, 4 * (q + 2 * stride), a0);
            a1 = dot(p3, x, 4 * (q + 3 * stride), a1);
        }
        for (; q < quads; q += stride) {
            a0 = dot(w.getBits4(wBase + 4 * q), x, 4 * q, a0);
        }
        return a0 + a1;
    }

    /**
     * {@link #lanePart} with full steps of eight quads (eight 8-byte loads in flight per lane: the decode GEMVs are
     * latency-bound per launch; MoeExpertsGateUpDeep's eight measured 7% faster than four on the H200).
     */
    static float lanePart8(BFloat16Array w, int wBase, FloatArray x, int quads, int first, int stride) {
        float a0 = 0f;
        float a1 = 0f;
        int q = first;
        for (; q + 7 * stride < quads; q += 8 * stride) {
            long p0 = w.getBits4(wBase + 4 * q);
            long p1 = w.getBits4(wBase + 4 * (q + stride));
            long p2 = w.getBits4(wBase + 4 * (q + 2 * stride));
            long p3 = w.getBits4(wBase + 4 * (q + 3 * stride));
            long p4 = w.getBits4(wBase + 4 * (q + 4 * stride));
            long p5 = w.getBits4(wBase + 4 * (q + 5 * stride));
            long p6 = w.getBits4(wBase + 4 * (q + 6 * stride));
            long p7 = w.getBits4(wBase + 4 * (q + 7 * stride));
            a0 = dot(p0, x, 4 * q, a0);
            a1 = dot(p1, x, 4 * (q + stride), a1);
            a0 = dot(p2, x, 4 * (q + 2 * stride), a0);
            a1 = dot(p3, x, 4 * (q + 3 * stride), a1);
            a0 = dot(p4, x, 4 * (q + 4 * stride), a0);
            a1 = dot(p5, x, 4 * (q + 5 * stride), a1);
            a0 = dot(p6, x, 4 * (q + 6 * stride), a0);
            a1 = dot(p7, x, 4 * (q + 7 * stride), a1);
        }
        for (; q + stride < quads; q += 2 * stride) {
            long p0 = w.getBits4(wBase + 4 * q);
            long p1 = w.getBits4(wBase + 4 * (q + stride));
            a0 = dot(p0, x, 4 * q, a0);
            a1 = dot(p1, x, 4 * (q + stride), a1);
        }
        for (; q < quads; q += stride) {
            a0 = dot(w.getBits4(wBase + 4 * q), x, 4 * q, a0);
        }
        return a0 + a1;
    }

    /** {@link #lanePart} with the RMSNorm weight {@code norm} applied to x ({@link #dotScaled}). */
    static float lanePartScaled(BFloat16Array w, int wBase, FloatArray x, BFloat16Array norm, int quads, int first,
                                int stride) {
        float a0 = 0f;
        float a1 = 0f;
        int q = first;
        for (; q + 3 * stride < quads; q += 4 * stride) {
            long p0 = w.getBits4(wBase + 4 * q);
            long p1 = w.getBits4(wBase + 4 * (q + stride));
            long p2 = w.getBits4(wBase + 4 * (q + 2 * stride));
            long p3 = w.getBits4(wBase + 4 * (q + 3 * stride));
            a0 = dotScaled(p0, norm.getBits4(4 * q), x, 4 * q, a0);
            a1 = dotScaled(p1, norm.getBits4(4 * (q + stride)), x, 4 * (q + stride), a1);
            a0 = dotScaled(p2, norm.getBits4(4 * (q + 2 * stride)), x, 4 * (q + 2 * stride), a0);
            a1 = dotScaled(p3, norm.getBits4(4 * (q + 3 * stride)), x, 4 * (q + 3 * stride), a1);
        }
        for (; q < quads; q += stride) {
            a0 = dotScaled(w.getBits4(wBase + 4 * q), norm.getBits4(4 * q), x, 4 * q, a0);
        }
        return a0 + a1;
    }

    /** One lane's share of Σ x² over the same quads as {@link #lanePart} (x is in L1 by then). */
    static float laneSumSquares(FloatArray x, int quads, int first, int stride) {
        float s = 0f;
        for (int q = first; q < quads; q += stride) {
            int c = 4 * q;
            float v0 = x.get(c);
            float v1 = x.get(c + 1);
            float v2 = x.get(c + 2);
            float v3 = x.get(c + 3);
            s = Math.fma(v0, v0, s);
            s = Math.fma(v1, v1, s);
            s = Math.fma(v2, v2, s);
            s = Math.fma(v3, v3, s);
        }
        return s;
    }

    /** 1 / rms as {@link RmsNormRows} computes it. */
    static float inverseRms(float sumSquares, int dim, float eps) {
        return 1.0f / (float) Math.sqrt(sumSquares / dim + eps);
    }

    /**
     * Sum of a row split over {@code rowWarps} consecutive warps (a power of two): a warp sum each, then part 0's lanes
     * add the parts from {@code partial} in part order (one barrier). Every work-item of the group must call it; the
     * result is valid on every lane of part 0.
     */
    static float rowTotal(KernelContext ctx, float[] partial, int warp, int part, int rowWarps, float value) {
        float t = ctx.warpSum(value);
        if ((ctx.localIdx & (WARP - 1)) == 0) {
            partial[warp] = t;
        }
        ctx.localBarrier();
        float total = 0f;
        if (part == 0) {
            for (int k = 0; k < rowWarps; k++) {
                total += partial[warp + k];
            }
        }
        return total;
    }
}
