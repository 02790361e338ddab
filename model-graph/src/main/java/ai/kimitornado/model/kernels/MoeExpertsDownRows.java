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
 * the slots' rows (each I contiguous bf16) as one run of quads, two-barrier row sum.
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
            // the lanes walk the slots' rows as one run of slots·I/4 quads, four quads in flight per lane even
            // where one slot's row gives a lane only two (I = 1024, 128 lanes)
            int perSlot = inter / 4;
            int total = slots * perSlot;
            int n = rowThreads;
            float a1 = 0f;
            int q = lane;
            for (; q + 3 * n < total; q += 4 * n) {
                acc += slotQuad(w2, act, ids, weights, d, dim, inter, perSlot, q);
                a1 += slotQuad(w2, act, ids, weights, d, dim, inter, perSlot, q + n);
                acc += slotQuad(w2, act, ids, weights, d, dim, inter, perSlot, q + 2 * n);
                a1 += slotQuad(w2, act, ids, weights, d, dim, inter, perSlot, q + 3 * n);
            }
            for (; q < total; q += n) {
                acc += slotQuad(w2, act, ids, weights, d, dim, inter, perSlot, q);
            }
            acc += a1;
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, acc);
        if (d < dim && lane == 0) {
            h.set(d, h.get(d) + sum);
        }
    }

    /** weight[slot] · (quad q' of row d of expert ids[slot]) · act[slot] quad q', for the run index q = slot·I/4 + q'. */
    static float slotQuad(BFloat16Array w2, FloatArray act, IntArray ids, FloatArray weights, int d, int dim, int inter,
                          int perSlot, int q) {
        int slot = q / perSlot;
        int c = 4 * (q - slot * perSlot);
        return weights.get(slot) * RowDot.quad(w2, (ids.get(slot) * dim + d) * inter + c, act, slot * inter + c);
    }
}
