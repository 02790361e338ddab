package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * The decode (one token) gates of a KDA layer in one launch, one warp per output row: the fast variant of
 * {@link KdaGates} + the g_b GEMV ({@link MatVecBf16Rows}), the references it is tested against (same formulas):
 * <pre>
 *   rows [0, ch):        g[c]    = −exp(A_log[c / dk]) · softplus(W_fb[c] · fLow + dt_bias[c])   (threshold 20)
 *   rows [ch, 2ch):      gate[c] = W_gb[c] · gLow
 *   heads groups after:  β[h]    = sigmoid(W_b[h] · x)      (8 warps per head: a 2,304-long row)
 * </pre>
 * The two rank-long GEMVs (rank = 128 = one quad per lane) are a warp each with a single 8-byte load per lane and a
 * warp sum, no barrier on PTX; the reference runs a 128-item group with an 8-barrier tree per channel, and g_b was
 * a launch of its own.
 * Shapes: fLow, gLow [rank]; fb, gb [ch, rank] bf16; dtBias [ch] fp32; aLog [H] fp32; g, gate [ch]; wb [H, D] bf16;
 * x [D]; beta [H]. rank and D multiples of 4. Grid: 1-D groups of {@link #LOCAL} work-items:
 * ⌈2·ch / 8⌉ gate groups, then H β groups.
 */
public final class KdaGatesWarp {
    private KdaGatesWarp() {
    }

    /** Work-items per group: 8 warps. */
    public static final int LOCAL = 256;
    static final int WARPS = LOCAL / KernelContext.WARP_SIZE;

    /** Groups of the grid for {@code channels} channels and {@code heads} heads. */
    public static long groups(int channels, int heads) {
        return (2L * channels + WARPS - 1) / WARPS + heads;
    }

    public static void apply(KernelContext ctx, FloatArray fLow, BFloat16Array fb, FloatArray dtBias, FloatArray aLog,
                             FloatArray gLow, BFloat16Array gb, BFloat16Array wb, FloatArray x, FloatArray g,
                             FloatArray gate, FloatArray beta, IntArray meta, int channels, int rank, int dk, int heads,
                             int dim) {
        float[] partial = ctx.allocateFloatLocalArray(WARPS);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int warp = ctx.localIdx / KernelContext.WARP_SIZE;
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int gateGroups = (2 * channels + WARPS - 1) / WARPS;
        boolean betaGroup = ctx.groupIdx >= gateGroups; // uniform over the group
        int row = ctx.groupIdx * WARPS + warp;          // gate groups: one row per warp
        int h = ctx.groupIdx - gateGroups;              // β groups: one head, the row split over the 8 warps
        float s = 0f;
        if (betaGroup) {
            s = WarpRowDot.lanePart(wb, h * dim, x, dim / 4, warp * KernelContext.WARP_SIZE + lane, LOCAL);
        } else if (row < channels) {
            s = WarpRowDot.lanePart(fb, row * rank, fLow, rank / 4, lane, KernelContext.WARP_SIZE);
        } else if (row < 2 * channels) {
            s = WarpRowDot.lanePart(gb, (row - channels) * rank, gLow, rank / 4, lane, KernelContext.WARP_SIZE);
        }
        float total = ctx.warpSum(s);
        if (lane == 0) {
            partial[warp] = total;
        }
        ctx.localBarrier();
        if (betaGroup) {
            if (ctx.localIdx == 0) {
                float b = 0f;
                for (int k = 0; k < WARPS; k++) {
                    b += partial[k];
                }
                beta.set(h, 1f / (1f + (float) Math.exp(-b)));
            }
        } else if (lane == 0) {
            if (row < channels) {
                float f = total + dtBias.get(row);
                float softplus = f > 20f ? f : (float) Math.log(1f + (float) Math.exp(f));
                g.set(row, -(float) Math.exp(aLog.get(row / dk)) * softplus);
            }
            if (row >= channels && row < 2 * channels) {
                gate.set(row - channels, total);
            }
        }
    }
}
