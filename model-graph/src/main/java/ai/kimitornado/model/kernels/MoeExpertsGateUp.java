package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MoE first half for ALL selected experts of a token in one launch (never one launch per expert), fused
 * gate and up projections with SiLU·up:
 * <pre>  act[t][slot][i] = SiLU(w1[e][i] · x[t]) · (w3[e][i] · x[t])      e = ids[t][slot] </pre>
 * Expert weights of a layer live in one packed buffer per matrix, expert e at element e·I·D (the shared expert
 * packed last). Shapes: w1, w3 [(E+1)*I*D] bf16; x [C*D]; ids [C*slots]; act [C*slots*I].
 * Grid: work-group per (slot·I + i) in x, token in y; local size a power of two ≤ 256.
 */
public final class MoeExpertsGateUp {
    private MoeExpertsGateUp() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray x, IntArray ids,
                             FloatArray act, IntArray meta, int slots, int inter, int dim) {
        float[] partialGate = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int[] expertOfGroup = ctx.allocateIntLocalArray(1);
        float[] partialUp = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int row = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = row < slots * inter && t < count;
        int slot = row / inter;
        int i = row - slot * inter;
        if (lid == 0) {
            expertOfGroup[0] = active ? ids.get(t * slots + slot) : 0;
        }
        ctx.localBarrier();
        float g = 0f;
        float u = 0f;
        if (active) {
            int wBase = (expertOfGroup[0] * inter + i) * dim;
            int xBase = t * dim;
            for (int c = lid; c < dim; c += nt) {
                float xv = x.get(xBase + c);
                g += Bf16.widen(w1.getBits(wBase + c)) * xv;
                u += Bf16.widen(w3.getBits(wBase + c)) * xv;
            }
        }
        partialGate[lid] = g;
        partialUp[lid] = u;
        ctx.localBarrier();
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partialGate[lid] += partialGate[lid + stride];
                partialUp[lid] += partialUp[lid + stride];
            }
            ctx.localBarrier();
        }
        if (active && lid == 0) {
            float z = partialGate[0];
            act.set((t * slots + slot) * inter + i, z / (1f + (float) Math.exp(-z)) * partialUp[0]);
        }
    }
}
