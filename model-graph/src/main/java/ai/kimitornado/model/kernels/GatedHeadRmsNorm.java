package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA output norm with a <b>sigmoid</b> gate (fla FusedRMSNormGated, activation='sigmoid'), per head:
 * <pre>  y[t][h][d] = w[d] · o[t][h][d] / sqrt(mean_d' o[t][h][d']² + eps) · sigmoid(gate[t][h·dv + d]) </pre>
 * Shapes: o, gate, y [C * H*dv]; w [dv] bf16 shared by all heads. Grid: work-group per head (groupIdx),
 * groupIdy = token; local size a power of two ≤ 256.
 */
public final class GatedHeadRmsNorm {
    private GatedHeadRmsNorm() {
    }

    public static void apply(KernelContext ctx, FloatArray o, FloatArray gate, BFloat16Array w, FloatArray y,
                             IntArray meta, int heads, int dv, float eps) {
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
        int base = t * heads * dv + h * dv;
        float acc = 0f;
        if (active) {
            for (int d = lid; d < dv; d += nt) {
                float v = o.get(base + d);
                acc += v * v;
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        float inv = 1.0f / (float) Math.sqrt(partial[0] / dv + eps);
        if (active) {
            for (int d = lid; d < dv; d += nt) {
                float z = gate.get(base + d);
                float sig = 1f / (1f + (float) Math.exp(-z));
                y.set(base + d, Bf16.widen(w.getBits(d)) * (o.get(base + d) * inv) * sig);
            }
        }
    }
}
