package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MoE second half for all selected experts (and the shared expert) in one launch, fused with the weighted
 * combine and the residual add:
 * <pre>  h[t][d] += Σ_slot weight[t][slot] · (w2[e_slot][d] · act[t][slot])      e_slot = ids[t][slot] </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I), act [C*slots*I], ids/weights [C*slots], h [C*D].
 * Grid: work-group per output d in x, token in y; the group's work-items stride over (slot, i) — consecutive i
 * of one expert row are consecutive weights (coalesced) — and reduce in local memory.
 */
public final class MoeExpertsDown {
    private MoeExpertsDown() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray ids, FloatArray weights,
                             FloatArray h, IntArray meta, int slots, int inter, int dim) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int d = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = d < dim && t < count;
        float acc = 0f;
        if (active) {
            for (int slot = 0; slot < slots; slot++) {
                int e = ids.get(t * slots + slot);
                int wBase = (e * dim + d) * inter;
                int aBase = (t * slots + slot) * inter;
                float part = 0f;
                for (int i = lid; i < inter; i += nt) {
                    part += Bf16.widen(w2.getBits(wBase + i)) * act.get(aBase + i);
                }
                acc += weights.get(t * slots + slot) * part;
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (active && lid == 0) {
            h.set(t * dim + d, h.get(t * dim + d) + partial[0]);
        }
    }
}
