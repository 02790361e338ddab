package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 4: the routing-weighted sum of a token's slot rows added into the residual, slots in fixed
 * order (routed slots, then the shared expert with weight 1), no atomics:
 * <pre>  h[t][d] += Σ_slot weights[t][slot] · out[t·slots + slot][d]      for t &lt; count </pre>
 * Shapes: out [C*slots*D] from {@link MoeGroupedDown}; weights [C*slots]; h [C*D].
 * Grid 1D: one work-item per (t, d), any local size.
 */
public final class MoeCombineSlots {
    private MoeCombineSlots() {
    }

    public static void apply(KernelContext ctx, FloatArray out, FloatArray weights, FloatArray h, IntArray meta,
                             int slots, int dim) {
        int gid = ctx.globalIdx;
        int t = gid / dim;
        int d = gid - t * dim;
        if (t < meta.get(KernelLimits.META_COUNT)) {
            float acc = 0f;
            for (int slot = 0; slot < slots; slot++) {
                acc += weights.get(t * slots + slot) * out.get((t * slots + slot) * dim + d);
            }
            h.set(gid, h.get(gid) + acc);
        }
    }
}
