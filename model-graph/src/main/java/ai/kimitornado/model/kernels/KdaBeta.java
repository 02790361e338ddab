package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA write strength, projection fused with its sigmoid: {@code β[t][h] = sigmoid(W_b[h] · x[t])}.
 * Shapes: wb [H, D] bf16, x [C*D], beta [C*H]. Grid: work-group per head (groupIdx), groupIdy = token.
 */
public final class KdaBeta {
    private KdaBeta() {
    }

    public static void apply(KernelContext ctx, BFloat16Array wb, FloatArray x, FloatArray beta, IntArray meta,
                             int heads, int dim) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int h = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = h < heads && t < count;
        float acc = 0f;
        if (active) {
            for (int c = lid; c < dim; c += nt) {
                acc += Bf16.widen(wb.getBits(h * dim + c)) * x.get(t * dim + c);
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (active && lid == 0) {
            beta.set(t * heads + h, 1f / (1f + (float) Math.exp(-partial[0])));
        }
    }
}
