package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode MoE gate/up with more loads in flight: the variant of {@link MoeExpertsGateUpRows} (the reference it is tested
 * against; same layout, launch plan, two-barrier row sums and formula). The reference's lanes load two quads of each
 * matrix per step (four 8-byte loads in flight; D = 2304 with 64 lanes: five dependent rounds); here four quads of
 * each (eight loads in flight, three rounds), as {@link MoeExpertsDownSlots} does for the down rows.
 * <pre>  act[slot][i] = SiLU(w1[e][i] · x) · (w3[e][i] · x)      e = ids[slot] </pre>
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D); x [D]; ids [slots]; act [slots*I]. D a multiple of 4.
 */
public final class MoeExpertsGateUpDeep {
    private MoeExpertsGateUpDeep() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray x, IntArray ids,
                             FloatArray act, IntArray meta, int slots, int inter, int dim, int rowThreads) {
        float[] partialGate = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        float[] partialUp = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int row = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        boolean active = row < slots * inter;
        float g0 = 0f;
        float g1 = 0f;
        float u0 = 0f;
        float u1 = 0f;
        if (active) {
            int slot = row / inter;
            int base = (ids.get(slot) * inter + (row - slot * inter)) * dim;
            int quads = dim / 4;
            int n = rowThreads;
            int q = lane;
            for (; q + 3 * n < quads; q += 4 * n) {
                int c0 = 4 * q;
                int c1 = 4 * (q + n);
                int c2 = 4 * (q + 2 * n);
                int c3 = 4 * (q + 3 * n);
                long a0 = w1.getBits4(base + c0);
                long b0 = w3.getBits4(base + c0);
                long a1 = w1.getBits4(base + c1);
                long b1 = w3.getBits4(base + c1);
                long a2 = w1.getBits4(base + c2);
                long b2 = w3.getBits4(base + c2);
                long a3 = w1.getBits4(base + c3);
                long b3 = w3.getBits4(base + c3);
                g0 = WarpRowDot.dot(a0, x, c0, g0);
                u0 = WarpRowDot.dot(b0, x, c0, u0);
                g1 = WarpRowDot.dot(a1, x, c1, g1);
                u1 = WarpRowDot.dot(b1, x, c1, u1);
                g0 = WarpRowDot.dot(a2, x, c2, g0);
                u0 = WarpRowDot.dot(b2, x, c2, u0);
                g1 = WarpRowDot.dot(a3, x, c3, g1);
                u1 = WarpRowDot.dot(b3, x, c3, u1);
            }
            for (; q < quads; q += n) {
                int c = 4 * q;
                long a = w1.getBits4(base + c);
                long b = w3.getBits4(base + c);
                g0 = WarpRowDot.dot(a, x, c, g0);
                u0 = WarpRowDot.dot(b, x, c, u0);
            }
        }
        int base = lid - lane;
        int fold = RowDot.foldLanes(rowThreads);
        partialGate[lid] = g0 + g1;
        partialUp[lid] = u0 + u1;
        ctx.localBarrier();
        RowDot.fold(partialGate, base, lane, rowThreads, fold);
        RowDot.fold(partialUp, base, lane, rowThreads, fold);
        ctx.localBarrier();
        if (active && lane == 0) {
            float z = RowDot.foldTotal(partialGate, base, fold);
            act.set(row, z / (1f + (float) Math.exp(-z)) * RowDot.foldTotal(partialUp, base, fold));
        }
    }
}
