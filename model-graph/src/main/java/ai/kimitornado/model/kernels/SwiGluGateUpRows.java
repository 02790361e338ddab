package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode (one token) variant of {@link SwiGluGateUp} (the reference it is tested against), the dense MLP's first
 * half: {@code act[i] = SiLU(gate[i]·x) · (up[i]·x)}. Shapes: gate, up [I, D] bf16 (D a multiple of 4); x [D];
 * act [I]. Grid ({@link RowGroups} over I rows of D/4 quads): a run of {@code rowThreads} lanes per row reads both
 * matrices' quads in the same step (8-byte loads), two-barrier row sums.
 */
public final class SwiGluGateUpRows {
    private SwiGluGateUpRows() {
    }

    public static void gateUp(KernelContext ctx, BFloat16Array gate, BFloat16Array up, FloatArray x, FloatArray act,
                              IntArray meta, int inter, int dim, int rowThreads) {
        float[] partialGate = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        float[] partialUp = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int i = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        float g = 0f;
        float u = 0f;
        if (i < inter) {
            int wBase = i * dim;
            int quads = dim / 4;
            int n = rowThreads;
            float g1 = 0f;
            float u1 = 0f;
            int q = lane;
            for (; q + n < quads; q += 2 * n) { // four 8-byte loads in flight per step
                g += RowDot.quad(gate, wBase + 4 * q, x, 4 * q);
                u += RowDot.quad(up, wBase + 4 * q, x, 4 * q);
                g1 += RowDot.quad(gate, wBase + 4 * (q + n), x, 4 * (q + n));
                u1 += RowDot.quad(up, wBase + 4 * (q + n), x, 4 * (q + n));
            }
            for (; q < quads; q += n) {
                g += RowDot.quad(gate, wBase + 4 * q, x, 4 * q);
                u += RowDot.quad(up, wBase + 4 * q, x, 4 * q);
            }
            g += g1;
            u += u1;
        }
        int base = lid - lane;
        int fold = RowDot.foldLanes(rowThreads);
        partialGate[lid] = g;
        partialUp[lid] = u;
        ctx.localBarrier();
        RowDot.fold(partialGate, base, lane, rowThreads, fold);
        RowDot.fold(partialUp, base, lane, rowThreads, fold);
        ctx.localBarrier();
        if (i < inter && lane == 0) {
            float z = RowDot.foldTotal(partialGate, base, fold);
            act.set(i, z / (1f + (float) Math.exp(-z)) * RowDot.foldTotal(partialUp, base, fold));
        }
    }
}
