package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode MoE gate/up with the post-attention RMSNorm folded in, one warp per (slot, i) row: the fast variant of
 * {@link RmsNormRows} + {@link MoeExpertsGateUpRows} (the references it is tested against).
 * <pre>
 *   xn = n ⊙ h · inv,  inv = 1 / sqrt(Σ h² / D + eps)
 *   act[slot][i] = SiLU(w1[e][i] · xn) · (w3[e][i] · xn)      e = ids[slot]
 * </pre>
 * computed as inv · (w1[e][i] · (n ⊙ h)): every row's lanes read all of h anyway and also sum h².
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D); h [D]; n [D] bf16; ids [slots]; act [slots*I].
 * D a multiple of 4. Grid: 1-D groups of whole warps (local/32 rows per group), ⌈slots·I / rows per group⌉ groups.
 * Per lane and step four quads of each matrix (eight 8-byte loads in flight), then warp sums: no barrier on PTX.
 * Not in the decode graph: measured slower than the row kernel on the H200 (session 3, 05:25: 49 vs 35 µs per layer); kept,
 * tested, as a variant to revisit.
 */
public final class MoeExpertsGateUpWarp {
    private MoeExpertsGateUpWarp() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray h, BFloat16Array norm,
                             IntArray ids, FloatArray act, IntArray meta, int slots, int inter, int dim, float eps) {
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int row = ctx.groupIdx * (ctx.localGroupSizeX / KernelContext.WARP_SIZE) + ctx.localIdx / KernelContext.WARP_SIZE;
        boolean active = row < slots * inter;
        float g0 = 0f;
        float g1 = 0f;
        float u0 = 0f;
        float u1 = 0f;
        float sq = 0f;
        if (active) {
            int slot = row / inter;
            int base = (ids.get(slot) * inter + (row - slot * inter)) * dim;
            int quads = dim / 4;
            int n = KernelContext.WARP_SIZE;
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
                long n0 = norm.getBits4(c0);
                long n1 = norm.getBits4(c1);
                long n2 = norm.getBits4(c2);
                long n3 = norm.getBits4(c3);
                g0 = WarpRowDot.dotScaled(a0, n0, h, c0, g0);
                u0 = WarpRowDot.dotScaled(b0, n0, h, c0, u0);
                g1 = WarpRowDot.dotScaled(a1, n1, h, c1, g1);
                u1 = WarpRowDot.dotScaled(b1, n1, h, c1, u1);
                g0 = WarpRowDot.dotScaled(a2, n2, h, c2, g0);
                u0 = WarpRowDot.dotScaled(b2, n2, h, c2, u0);
                g1 = WarpRowDot.dotScaled(a3, n3, h, c3, g1);
                u1 = WarpRowDot.dotScaled(b3, n3, h, c3, u1);
            }
            for (; q < quads; q += n) {
                int c = 4 * q;
                long a = w1.getBits4(base + c);
                long b = w3.getBits4(base + c);
                long nq = norm.getBits4(c);
                g0 = WarpRowDot.dotScaled(a, nq, h, c, g0);
                u0 = WarpRowDot.dotScaled(b, nq, h, c, u0);
            }
            sq = WarpRowDot.laneSumSquares(h, quads, lane, n);
        }
        float gate = ctx.warpSum(g0 + g1);
        float up = ctx.warpSum(u0 + u1);
        float sumSquares = ctx.warpSum(sq);
        if (active && lane == 0) {
            float inv = WarpRowDot.inverseRms(sumSquares, dim, eps);
            float z = gate * inv;
            act.set(row, z / (1f + (float) Math.exp(-z)) * (up * inv));
        }
    }
}
