package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Greedy sampling on the device: {@code outId[0] = argmax_v logits[count−1][v]} (ties → lower id), so only
 * the token id returns to the host. Shapes: logits [C*V], outId [1].
 * Grid: ONE work-group (local size a power of two ≤ 256); strided scan + local (value, index) reduction.
 */
public final class SampleArgmax {
    private SampleArgmax() {
    }

    public static void apply(KernelContext ctx, FloatArray logits, IntArray outId, IntArray meta, int vocab) {
        float[] bestValue = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int[] bestIndex = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int base = (meta.get(KernelLimits.META_COUNT) - 1) * vocab;
        float bv = -3.4e38f;
        int bi = -1;
        for (int v = lid; v < vocab; v += nt) {
            float x = logits.get(base + v);
            if (bi < 0 || x > bv) {
                bv = x;
                bi = v;
            }
        }
        bestValue[lid] = bv;
        bestIndex[lid] = bi;
        ctx.localBarrier();
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                float ov = bestValue[lid + stride];
                int oi = bestIndex[lid + stride];
                float mv = bestValue[lid];
                int mi = bestIndex[lid];
                if (oi >= 0 && (mi < 0 || ov > mv || (ov == mv && oi < mi))) {
                    bestValue[lid] = ov;
                    bestIndex[lid] = oi;
                }
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            outId.set(0, bestIndex[0]);
        }
    }
}
