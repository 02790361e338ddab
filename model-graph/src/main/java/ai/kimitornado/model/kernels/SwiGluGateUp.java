package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Dense SwiGLU first half, fused: {@code act[t][i] = SiLU(gate[i]·x[t]) · (up[i]·x[t])} — absorbs both
 * projections and the SiLU·up product (the down projection is {@link MatVecBf16} with accumulate = 1,
 * absorbing the residual add). Shapes: gate, up [I, D] bf16; x [C*D]; act [C*I].
 * Grid: work-group per row i (groupIdx), groupIdy = token; both dots share one pass over x.
 */
public final class SwiGluGateUp {
    private SwiGluGateUp() {
    }

    public static void gateUp(KernelContext ctx, BFloat16Array gate, BFloat16Array up, FloatArray x,
                              FloatArray act, IntArray meta, int inter, int dim) {
        float[] partialGate = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        float[] partialUp = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int i = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = i < inter && t < count;
        float g = 0f;
        float u = 0f;
        if (active) {
            int wBase = i * dim;
            int xBase = t * dim;
            for (int c = lid; c < dim; c += nt) {
                float xv = x.get(xBase + c);
                g += Bf16.widen(gate.getBits(wBase + c)) * xv;
                u += Bf16.widen(up.getBits(wBase + c)) * xv;
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
            float silu = z / (1f + (float) Math.exp(-z));
            act.set(t * inter + i, silu * partialUp[0]);
        }
    }
}
