package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * {@link KdaForgetGate} and {@link KdaBeta} in one launch (both stay as the reference kernels): the groups of one
 * grid compute either a forget-gate channel or a head's write strength (fp32):
 * <pre>
 *   groupIdx = c &lt; channels:        g[t][c] = −exp(A_log[c / dk]) · softplus(W_fb[c] · low[t] + dt_bias[c])   (threshold 20)
 *   groupIdx = channels + h &lt; +H:   β[t][h] = sigmoid(W_b[h] · x[t])
 * </pre>
 * Shapes: low [C*rank], fb [H*dk, rank] bf16, dtBias [H*dk] fp32, aLog [H] fp32, g [C * H*dk]; wb [H, D] bf16,
 * x [C*D], beta [C*H]. Grid: channels + H work-groups (x), groupIdy = token; local size a power of two ≤ 256.
 */
public final class KdaGates {
    private KdaGates() {
    }

    public static void apply(KernelContext ctx, FloatArray low, BFloat16Array fb, FloatArray dtBias, FloatArray aLog,
                             BFloat16Array wb, FloatArray x, FloatArray g, FloatArray beta, IntArray meta,
                             int channels, int rank, int dk, int heads, int dim) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int row = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count || row >= channels + heads) {
            return; // uniform over the group: rows past the chunk's valid tokens, padding groups
        }
        boolean gate = row < channels;
        int h = row - channels;
        float acc = 0f;
        if (gate) {
            for (int j = lid; j < rank; j += nt) {
                acc += Bf16.widen(fb.getBits(row * rank + j)) * low.get(t * rank + j);
            }
        } else { // D = 2304 over 128 work-items: four independent loads in flight per iteration (latency bound)
            int wRow = h * dim;
            int xRow = t * dim;
            float a1 = 0f;
            float a2 = 0f;
            float a3 = 0f;
            for (int c = lid; c < dim; c += 4 * nt) {
                int c1 = c + nt;
                int c2 = c1 + nt;
                int c3 = c2 + nt;
                acc += Bf16.widen(wb.getBits(wRow + c)) * x.get(xRow + c);
                a1 += c1 < dim ? Bf16.widen(wb.getBits(wRow + c1)) * x.get(xRow + c1) : 0f;
                a2 += c2 < dim ? Bf16.widen(wb.getBits(wRow + c2)) * x.get(xRow + c2) : 0f;
                a3 += c3 < dim ? Bf16.widen(wb.getBits(wRow + c3)) * x.get(xRow + c3) : 0f;
            }
            acc = (acc + a1) + (a2 + a3);
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (lid == 0) {
            if (gate) {
                float f = partial[0] + dtBias.get(row);
                float softplus = f > 20f ? f : (float) Math.log(1f + (float) Math.exp(f));
                g.set(t * channels + row, -(float) Math.exp(aLog.get(row / dk)) * softplus);
            } else {
                beta.set(t * heads + h, 1f / (1f + (float) Math.exp(-partial[0])));
            }
        }
    }
}
