package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed value up-projection per head: {@code o[t][h·v + e] = Σ_l kvB[h·(nope+v) + nope + e][l] · ctx[t][h][l]}.
 * Shapes: latentCtx [C*H*kvLora], kvB [H*(nope+v), kvLora] bf16, out [C * H*v].
 * Grid: work-group per output row (h·v + e) in x, token in y; strided coalesced reads + local tree reduction.
 */
public final class MlaValueUp {
    private MlaValueUp() {
    }

    public static void apply(KernelContext ctx, FloatArray latentCtx, BFloat16Array kvB, FloatArray out,
                             IntArray meta, int heads, int nope, int vDim, int kvLora) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int r = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = r < heads * vDim && t < count;
        int h = r / vDim;
        int e = r - h * vDim;
        float acc = 0f;
        if (active) {
            int wBase = (h * (nope + vDim) + nope + e) * kvLora;
            int cBase = (t * heads + h) * kvLora;
            for (int l = lid; l < kvLora; l += nt) {
                acc += Bf16.widen(kvB.getBits(wBase + l)) * latentCtx.get(cBase + l);
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (active && lid == 0) {
            out.set(t * heads * vDim + r, partial[0]);
        }
    }
}
