package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * RMSNorm per row, latency-trimmed: the fast variant of {@link RmsNormRows} (the reference it is tested against;
 * same formula {@code y[t][i] = w[i] · (x[t][i] · inv)}, {@code inv = 1 / sqrt(Σ x² / D + eps)}, only the order of the
 * sum differs). A 2304-wide decode norm is pure latency: the reference's strided loops wait on each of their ~9 loads
 * per work-item in turn, twice, around an 8-barrier tree (~10 µs per launch on the H200). Here every loop keeps four
 * loads in flight per work-item, and the sum is warp sums plus one barrier.
 * Shapes: x, y [C*D] (may alias: each element is read before its own write and by no other work-item after the
 * barrier), w [D] bf16. Grid: one work-group per row t (groupIdx), whole warps, at most {@link KernelLimits#MAX_LOCAL}.
 */
public final class RmsNormRowsWarp {
    private RmsNormRowsWarp() {
    }

    public static void apply(KernelContext ctx, FloatArray x, BFloat16Array w, FloatArray y, IntArray meta, int dim,
                             float eps) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL / KernelContext.WARP_SIZE);
        int t = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        if (t >= meta.get(KernelLimits.META_COUNT)) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        int base = t * dim;
        float a0 = 0f;
        float a1 = 0f;
        for (int i = lid; i < dim; i += 4 * nt) {
            int i1 = i + nt;
            int i2 = i1 + nt;
            int i3 = i2 + nt;
            float v0 = x.get(base + i);
            float v1 = i1 < dim ? x.get(base + i1) : 0f;
            float v2 = i2 < dim ? x.get(base + i2) : 0f;
            float v3 = i3 < dim ? x.get(base + i3) : 0f;
            a0 = Math.fma(v0, v0, a0);
            a1 = Math.fma(v1, v1, a1);
            a0 = Math.fma(v2, v2, a0);
            a1 = Math.fma(v3, v3, a1);
        }
        float s = ctx.warpSum(a0 + a1);
        int warps = nt / KernelContext.WARP_SIZE;
        if ((lid & (KernelContext.WARP_SIZE - 1)) == 0) {
            partial[lid / KernelContext.WARP_SIZE] = s;
        }
        ctx.localBarrier();
        float sum = 0f;
        for (int k = 0; k < warps; k++) {
            sum += partial[k];
        }
        float inv = 1.0f / (float) Math.sqrt(sum / dim + eps);
        for (int i = lid; i < dim; i += 4 * nt) {
            int i1 = i + nt;
            int i2 = i1 + nt;
            int i3 = i2 + nt;
            float v0 = x.get(base + i);
            float v1 = i1 < dim ? x.get(base + i1) : 0f;
            float v2 = i2 < dim ? x.get(base + i2) : 0f;
            float v3 = i3 < dim ? x.get(base + i3) : 0f;
            float w0 = Bf16.widen(w.getBits(i));
            float w1 = i1 < dim ? Bf16.widen(w.getBits(i1)) : 0f;
            float w2 = i2 < dim ? Bf16.widen(w.getBits(i2)) : 0f;
            float w3 = i3 < dim ? Bf16.widen(w.getBits(i3)) : 0f;
            y.set(base + i, w0 * (v0 * inv));
            if (i1 < dim) {
                y.set(base + i1, w1 * (v1 * inv));
            }
            if (i2 < dim) {
                y.set(base + i2, w2 * (v2 * inv));
            }
            if (i3 < dim) {
                y.set(base + i3, w3 * (v3 * inv));
            }
        }
    }
}
