package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode (one token) variant of {@link MoeExpertsDown} (the reference it is tested against): the down projections of
 * all selected experts and the shared expert, weighted combine and residual add in one launch:
 * <pre>  h[d] += Σ_slot weight[slot] · (w2[e_slot][d] · act[slot])      e_slot = ids[slot] </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I); act [slots*I]; ids, weights [slots]; h [D]. I a multiple
 * of 4. Grid ({@link RowGroups} over D rows of slots·I/4 quads): a run of {@code rowThreads} lanes per output d walks
 * the slots' rows (each I contiguous bf16), two-barrier row sum.
 */
public final class MoeExpertsDownRows {
    private MoeExpertsDownRows() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray ids, FloatArray weights,
                             FloatArray h, IntArray meta, int slots, int inter, int dim, int rowThreads) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int d = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        float acc = 0f;
        if (d < dim) {
            for (int slot = 0; slot < slots; slot++) {
                int wBase = (ids.get(slot) * dim + d) * inter;
                acc += weights.get(slot) * RowDot.lanePart(w2, wBase, act, slot * inter, inter / 4, lane, rowThreads);
            }
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, acc);
        if (d < dim && lane == 0) {
            h.set(d, h.get(d) + sum);
        }
    }
}
