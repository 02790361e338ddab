package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode MoE down projection of all selected experts and the shared one, weighted combine and residual add, one
 * warp per output: the fast variant of {@link MoeExpertsDownRows} / {@link MoeExpertsDown} (its references).
 * <pre>  h[d] += Σ_slot weight[slot] · (w2[e_slot][d] · act[slot])      e_slot = ids[slot] </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I); act [slots*I]; ids, weights [slots]; h [D]. I a multiple
 * of 4. Grid: 1-D groups of whole warps (local/32 outputs per group), ⌈D / outputs per group⌉ groups.
 * The slots are walked in pairs, eight quads of each slot's row per lane and step: sixteen 8-byte loads in flight
 * per lane (I = 1024: one step per pair, five dependent rounds for nine slots), slot index math once per slot.
 * Needs groups of ≥ 32 work-items (warp operations): not the JVM's single-item groups.
 * Not in the decode graph: measured slower than the row kernel on the H200 (session 3, 05:25: 31 vs 28 µs per layer); kept,
 * tested, as a variant to revisit.
 */
public final class MoeExpertsDownWarp {
    private MoeExpertsDownWarp() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray ids, FloatArray weights,
                             FloatArray h, IntArray meta, int slots, int inter, int dim) {
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int d = ctx.groupIdx * (ctx.localGroupSizeX / KernelContext.WARP_SIZE) + ctx.localIdx / KernelContext.WARP_SIZE;
        float acc = 0f;
        if (d < dim) {
            int quads = inter / 4;
            int s = 0;
            for (; s + 1 < slots; s += 2) {
                acc = slotPair(w2, (ids.get(s) * dim + d) * inter, (ids.get(s + 1) * dim + d) * inter, act, s * inter,
                        quads, lane, weights.get(s), weights.get(s + 1), acc);
            }
            if (s < slots) {
                float p = slotRow(w2, (ids.get(s) * dim + d) * inter, act, s * inter, quads, lane);
                acc = Math.fma(weights.get(s), p, acc);
            }
        }
        float total = ctx.warpSum(acc);
        if (d < dim && lane == 0) {
            h.set(d, h.get(d) + total);
        }
    }

    /**
     * acc + wt0 · (lane's share of row base0 · act[actBase ..]) + wt1 · (row base1 · act[actBase + I ..]): both slots'
     * quads loaded in the same step (sixteen 8-byte loads in flight), then single quads.
     */
    static float slotPair(BFloat16Array w2, int base0, int base1, FloatArray act, int actBase, int quads, int lane,
                          float wt0, float wt1, float acc) {
        int n = KernelContext.WARP_SIZE;
        int actBase1 = actBase + 4 * quads;
        float a0 = 0f;
        float a1 = 0f;
        float b0 = 0f;
        float b1 = 0f;
        int q = lane;
        for (; q + 7 * n < quads; q += 8 * n) {
            long p0 = w2.getBits4(base0 + 4 * q);
            long p1 = w2.getBits4(base0 + 4 * (q + n));
            long p2 = w2.getBits4(base0 + 4 * (q + 2 * n));
            long p3 = w2.getBits4(base0 + 4 * (q + 3 * n));
            long p4 = w2.getBits4(base0 + 4 * (q + 4 * n));
            long p5 = w2.getBits4(base0 + 4 * (q + 5 * n));
            long p6 = w2.getBits4(base0 + 4 * (q + 6 * n));
            long p7 = w2.getBits4(base0 + 4 * (q + 7 * n));
            long r0 = w2.getBits4(base1 + 4 * q);
            long r1 = w2.getBits4(base1 + 4 * (q + n));
            long r2 = w2.getBits4(base1 + 4 * (q + 2 * n));
            long r3 = w2.getBits4(base1 + 4 * (q + 3 * n));
            long r4 = w2.getBits4(base1 + 4 * (q + 4 * n));
            long r5 = w2.getBits4(base1 + 4 * (q + 5 * n));
            long r6 = w2.getBits4(base1 + 4 * (q + 6 * n));
            long r7 = w2.getBits4(base1 + 4 * (q + 7 * n));
            a0 = WarpRowDot.dot(p0, act, actBase + 4 * q, a0);
            a1 = WarpRowDot.dot(p1, act, actBase + 4 * (q + n), a1);
            a0 = WarpRowDot.dot(p2, act, actBase + 4 * (q + 2 * n), a0);
            a1 = WarpRowDot.dot(p3, act, actBase + 4 * (q + 3 * n), a1);
            a0 = WarpRowDot.dot(p4, act, actBase + 4 * (q + 4 * n), a0);
            a1 = WarpRowDot.dot(p5, act, actBase + 4 * (q + 5 * n), a1);
            a0 = WarpRowDot.dot(p6, act, actBase + 4 * (q + 6 * n), a0);
            a1 = WarpRowDot.dot(p7, act, actBase + 4 * (q + 7 * n), a1);
            b0 = WarpRowDot.dot(r0, act, actBase1 + 4 * q, b0);
            b1 = WarpRowDot.dot(r1, act, actBase1 + 4 * (q + n), b1);
            b0 = WarpRowDot.dot(r2, act, actBase1 + 4 * (q + 2 * n), b0);
            b1 = WarpRowDot.dot(r3, act, actBase1 + 4 * (q + 3 * n), b1);
            b0 = WarpRowDot.dot(r4, act, actBase1 + 4 * (q + 4 * n), b0);
            b1 = WarpRowDot.dot(r5, act, actBase1 + 4 * (q + 5 * n), b1);
            b0 = WarpRowDot.dot(r6, act, actBase1 + 4 * (q + 6 * n), b0);
            b1 = WarpRowDot.dot(r7, act, actBase1 + 4 * (q + 7 * n), b1);
        }
        for (; q < quads; q += n) {
            a0 = WarpRowDot.dot(w2.getBits4(base0 + 4 * q), act, actBase + 4 * q, a0);
            b0 = WarpRowDot.dot(w2.getBits4(base1 + 4 * q), act, actBase1 + 4 * q, b0);
        }
        return Math.fma(wt1, b0 + b1, Math.fma(wt0, a0 + a1, acc));
    }

    /** One lane's share of w2 row (at {@code base}) · act[actBase ..]: eight quads per step, then single quads. */
    static float slotRow(BFloat16Array w2, int base, FloatArray act, int actBase, int quads, int lane) {
        int n = KernelContext.WARP_SIZE;
        float a0 = 0f;
        float a1 = 0f;
        int q = lane;
        for (; q + 7 * n < quads; q += 8 * n) {
            long p0 = w2.getBits4(base + 4 * q);
            long p1 = w2.getBits4(base + 4 * (q + n));
            long p2 = w2.getBits4(base + 4 * (q + 2 * n));
            long p3 = w2.getBits4(base + 4 * (q + 3 * n));
            long p4 = w2.getBits4(base + 4 * (q + 4 * n));
            long p5 = w2.getBits4(base + 4 * (q + 5 * n));
            long p6 = w2.getBits4(base + 4 * (q + 6 * n));
            long p7 = w2.getBits4(base + 4 * (q + 7 * n));
            a0 = WarpRowDot.dot(p0, act, actBase + 4 * q, a0);
            a1 = WarpRowDot.dot(p1, act, actBase + 4 * (q + n), a1);
            a0 = WarpRowDot.dot(p2, act, actBase + 4 * (q + 2 * n), a0);
            a1 = WarpRowDot.dot(p3, act, actBase + 4 * (q + 3 * n), a1);
            a0 = WarpRowDot.dot(p4, act, actBase + 4 * (q + 4 * n), a0);
            a1 = WarpRowDot.dot(p5, act, actBase + 4 * (q + 5 * n), a1);
            a0 = WarpRowDot.dot(p6, act, actBase + 4 * (q + 6 * n), a0);
            a1 = WarpRowDot.dot(p7, act, actBase + 4 * (q + 7 * n), a1);
        }
        for (; q < quads; q += n) {
            a0 = WarpRowDot.dot(w2.getBits4(base + 4 * q), act, actBase + 4 * q, a0);
        }
        return a0 + a1;
    }
}
