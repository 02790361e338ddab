package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA query/key normalisation, in place, per head (eps inside the sqrt, fla l2norm):
 * <pre>  q_h ← qScale · q_h / sqrt(Σ q_h² + 1e-6)      k_h ← k_h / sqrt(Σ k_h² + 1e-6) </pre>
 * Shapes: q, k [C * H*dk]. Grid: work-group per (head of q then k: groupIdx &lt; 2H), groupIdy = token;
 * local size a power of two ≤ 256.
 */
public final class L2NormQk {
    private L2NormQk() {
    }

    public static final float EPS = 1e-6f;

    public static void apply(KernelContext ctx, FloatArray q, FloatArray k, IntArray meta, int heads, int dk,
                             float qScale) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int slot = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean isKey = slot >= heads;
        int h = isKey ? slot - heads : slot;
        boolean active = t < count && slot < 2 * heads;
        int base = t * heads * dk + h * dk;
        float acc = 0f;
        if (active) {
            for (int d = lid; d < dk; d += nt) {
                float v = isKey ? k.get(base + d) : q.get(base + d);
                acc += v * v;
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        float inv = 1.0f / (float) Math.sqrt(partial[0] + EPS);
        if (active) {
            for (int d = lid; d < dk; d += nt) {
                if (isKey) {
                    k.set(base + d, k.get(base + d) * inv);
                } else {
                    q.set(base + d, q.get(base + d) * (inv * qScale));
                }
            }
        }
    }
}
