package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * RMSNorm per row: {@code y[t][i] = w[i] · x[t][i] / sqrt(mean_j x[t][j]² + eps)} (weight as-is, no 1+w).
 * Shapes: x, y [C*D] (may alias), w [D] bf16. Grid: one work-group per row t (groupIdx), local size a
 * power of two ≤ {@link KernelLimits#MAX_LOCAL}; strided sum of squares, local tree reduction.
 * Used for the input / post-attention / final norms (eps 1e-5).
 */
public final class RmsNormRows {
    private RmsNormRows() {
    }

    public static void apply(KernelContext ctx, FloatArray x, BFloat16Array w, FloatArray y, IntArray meta,
                             int dim, float eps) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int t = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        int base = t * dim;
        float acc = 0f;
        if (t < count) {
            for (int i = lid; i < dim; i += nt) {
                float v = x.get(base + i);
                acc += v * v;
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        float inv = 1.0f / (float) Math.sqrt(partial[0] / dim + eps);
        if (t < count) {
            for (int i = lid; i < dim; i += nt) {
                y.set(base + i, Bf16.widen(w.getBits(i)) * (x.get(base + i) * inv));
            }
        }
    }
}
