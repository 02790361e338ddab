package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode (one token) variant of {@link MoeExpertsGateUp} (the reference it is tested against): all selected experts
 * and the shared expert in one launch, gate and up fused with SiLU·up:
 * <pre>  act[slot][i] = SiLU(w1[e][i] · x) · (w3[e][i] · x)      e = ids[slot] </pre>
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D); x [D]; ids [slots]; act [slots*I]. D a multiple of 4.
 * Grid ({@link RowGroups} over slots·I rows of D/4 quads): several (slot, i) rows per group, a run of
 * {@code rowThreads} lanes per row reading both matrices' quads in the same step, two-barrier row sums.
 */
public final class MoeExpertsGateUpRows {
    private MoeExpertsGateUpRows() {
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
        int slot = row / inter;
        int wBase = active ? (ids.get(slot) * inter + (row - slot * inter)) * dim : 0;
        siluGateUpRow(ctx, partialGate, partialUp, w1, w3, x, act, row, active, wBase, dim, lid, lane, rowThreads);
    }

    /**
     * The row body shared with {@link SwiGluGateUpRows}: lanes of one row dot both matrices' row at {@code wBase} with
     * x (four 8-byte loads in flight per step), two-barrier row sums, lane 0 writes SiLU(gate)·up to {@code act[row]}.
     * Every work-item of the group must call it (barriers); {@code active} = the row exists.
     */
    static void siluGateUpRow(KernelContext ctx, float[] partialGate, float[] partialUp, BFloat16Array w1,
                              BFloat16Array w3, FloatArray x, FloatArray act, int row, boolean active, int wBase,
                              int dim, int lid, int lane, int rowThreads) {
        float g = 0f;
        float u = 0f;
        if (active) {
            int quads = dim / 4;
            int n = rowThreads;
            float g1 = 0f;
            float u1 = 0f;
            int q = lane;
            for (; q + n < quads; q += 2 * n) { // four 8-byte loads in flight per step
                g += RowDot.quad(w1, wBase + 4 * q, x, 4 * q);
                u += RowDot.quad(w3, wBase + 4 * q, x, 4 * q);
                g1 += RowDot.quad(w1, wBase + 4 * (q + n), x, 4 * (q + n));
                u1 += RowDot.quad(w3, wBase + 4 * (q + n), x, 4 * (q + n));
            }
            for (; q < quads; q += n) {
                g += RowDot.quad(w1, wBase + 4 * q, x, 4 * q);
                u += RowDot.quad(w3, wBase + 4 * q, x, 4 * q);
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
        if (active && lane == 0) {
            float z = RowDot.foldTotal(partialGate, base, fold);
            act.set(row, z / (1f + (float) Math.exp(-z)) * RowDot.foldTotal(partialUp, base, fold));
        }
    }
}
