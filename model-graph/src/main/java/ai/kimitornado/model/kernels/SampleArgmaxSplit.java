package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Greedy sampling in two launches, the fast variant of {@link SampleArgmax} (same result, ties → lower id): one
 * work-group cannot stream a 163,840-entry row fast (0.24 ms per token on the H200), {@code groups} can.
 * <ol>
 *   <li>{@link #partial}: work-group g scans v = g·nt + lid + k·(groups·nt) of the last valid row (coalesced) and
 *       writes its best (value, id) to {@code bestValue[g]}, {@code bestId[g]};</li>
 *   <li>{@link #finish}: one work-group reduces the {@code groups} partials into {@code outId[0]}.</li>
 * </ol>
 * Shapes: logits [C*V], bestValue/bestId [groups], outId [1]. Local size a power of two ≤ 256 in both launches.
 */
public final class SampleArgmaxSplit {
    private SampleArgmaxSplit() {
    }

    public static void partial(KernelContext ctx, FloatArray logits, FloatArray bestValue, IntArray bestId, IntArray meta,
                               int vocab) {
        float[] values = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int[] ids = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int g = ctx.groupIdx;
        int stride = ctx.globalGroupSizeX;
        int base = (meta.get(KernelLimits.META_COUNT) - 1) * vocab;
        float bv = -3.4e38f;
        int bi = -1;
        for (int v = g * nt + lid; v < vocab; v += stride) {
            float x = logits.get(base + v);
            if (bi < 0 || x > bv) { // ids rise along the scan, so '>' keeps the lower id on ties
                bv = x;
                bi = v;
            }
        }
        values[lid] = bv;
        ids[lid] = bi;
        ctx.localBarrier();
        reduce(ctx, values, ids, lid, nt);
        if (lid == 0) {
            bestValue.set(g, values[0]);
            bestId.set(g, ids[0]);
        }
    }

    public static void finish(KernelContext ctx, FloatArray bestValue, IntArray bestId, IntArray outId, int groups) {
        float[] values = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int[] ids = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        float bv = -3.4e38f;
        int bi = -1;
        for (int g = lid; g < groups; g += nt) {
            float x = bestValue.get(g);
            int i = bestId.get(g);
            if (i >= 0 && (bi < 0 || x > bv || (x == bv && i < bi))) {
                bv = x;
                bi = i;
            }
        }
        values[lid] = bv;
        ids[lid] = bi;
        ctx.localBarrier();
        reduce(ctx, values, ids, lid, nt);
        if (lid == 0) {
            outId.set(0, ids[0]);
        }
    }

    /** Tree reduction of (value, id) pairs: larger value wins, ties → lower id, id −1 = empty. */
    private static void reduce(KernelContext ctx, float[] values, int[] ids, int lid, int nt) {
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                float ov = values[lid + stride];
                int oi = ids[lid + stride];
                float mv = values[lid];
                int mi = ids[lid];
                if (oi >= 0 && (mi < 0 || ov > mv || (ov == mv && oi < mi))) {
                    values[lid] = ov;
                    ids[lid] = oi;
                }
            }
            ctx.localBarrier();
        }
    }
}
