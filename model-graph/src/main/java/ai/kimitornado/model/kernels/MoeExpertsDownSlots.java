package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode MoE down projection, weighted combine and residual add with the slots walked slot-major: the variant of
 * {@link MoeExpertsDownRows} (the reference it is tested against; same layout, launch plan and row sum) without its
 * per-quad slot arithmetic. The reference flattens the slots' rows into one run of quads and finds each quad's slot
 * by an integer division by a run-time value plus two loads (ids, weights) per 8-byte weight load: at the H200's
 * 16 B/clock of DRAM per SM that is ~2.5 warp-instructions per clock, and it reached only 1.5 TB/s (28 µs/layer).
 * Here the slot bases and weights are computed once per four slots, and each lane step loads two quads of each of
 * four slots (eight 8-byte loads in flight; I = 1024 with 128 lanes: three steps for nine slots).
 * <pre>  h[d] += Σ_slot weight[slot] · (w2[e_slot][d] · act[slot])      e_slot = ids[slot] </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I); act [slots*I]; ids, weights [slots]; h [D]. I a multiple
 * of 4. Grid ({@link RowGroups} over D rows of slots·I/4 quads, as the reference).
 */
public final class MoeExpertsDownSlots {
    private MoeExpertsDownSlots() {
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
            int perSlot = inter / 4;
            int n = rowThreads;
            for (int s = 0; s < slots; s += 4) {
                int b0 = (ids.get(s) * dim + d) * inter;
                float wt0 = weights.get(s);
                boolean has1 = s + 1 < slots;
                int b1 = has1 ? (ids.get(s + 1) * dim + d) * inter : b0;
                float wt1 = has1 ? weights.get(s + 1) : 0f;
                boolean has2 = s + 2 < slots;
                int b2 = has2 ? (ids.get(s + 2) * dim + d) * inter : b0;
                float wt2 = has2 ? weights.get(s + 2) : 0f;
                boolean has3 = s + 3 < slots;
                int b3 = has3 ? (ids.get(s + 3) * dim + d) * inter : b0;
                float wt3 = has3 ? weights.get(s + 3) : 0f;
                float p0 = 0f;
                float p1 = 0f;
                float p2 = 0f;
                float p3 = 0f;
                for (int q = lane; q < perSlot; q += 2 * n) {
                    int q1 = q + n;
                    boolean second = q1 < perSlot;
                    int c0 = 4 * q;
                    int c1 = 4 * q1;
                    long x0a = w2.getBits4(b0 + c0);
                    long x0b = second ? w2.getBits4(b0 + c1) : 0L;
                    long x1a = has1 ? w2.getBits4(b1 + c0) : 0L;
                    long x1b = has1 && second ? w2.getBits4(b1 + c1) : 0L;
                    long x2a = has2 ? w2.getBits4(b2 + c0) : 0L;
                    long x2b = has2 && second ? w2.getBits4(b2 + c1) : 0L;
                    long x3a = has3 ? w2.getBits4(b3 + c0) : 0L;
                    long x3b = has3 && second ? w2.getBits4(b3 + c1) : 0L;
                    p0 = WarpRowDot.dot(x0a, act, s * inter + c0, p0);
                    if (second) {
                        p0 = WarpRowDot.dot(x0b, act, s * inter + c1, p0);
                    }
                    if (has1) {
                        p1 = WarpRowDot.dot(x1a, act, (s + 1) * inter + c0, p1);
                        if (second) {
                            p1 = WarpRowDot.dot(x1b, act, (s + 1) * inter + c1, p1);
                        }
                    }
                    if (has2) {
                        p2 = WarpRowDot.dot(x2a, act, (s + 2) * inter + c0, p2);
                        if (second) {
                            p2 = WarpRowDot.dot(x2b, act, (s + 2) * inter + c1, p2);
                        }
                    }
                    if (has3) {
                        p3 = WarpRowDot.dot(x3a, act, (s + 3) * inter + c0, p3);
                        if (second) {
                            p3 = WarpRowDot.dot(x3b, act, (s + 3) * inter + c1, p3);
                        }
                    }
                }
                acc = Math.fma(wt0, p0, acc);
                acc = Math.fma(wt1, p1, acc);
                acc = Math.fma(wt2, p2, acc);
                acc = Math.fma(wt3, p3, acc);
            }
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, acc);
        if (d < dim && lane == 0) {
            h.set(d, h.get(d) + sum);
        }
    }
}
