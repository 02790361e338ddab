package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA forget gate: the low-rank up projection fused with its epilogue (fp32):
 * <pre>  f = W_fb · low[t] + dt_bias      g[t][c] = −exp(A_log[c / dk]) · softplus(f)      softplus threshold 20 </pre>
 * ({@code low = W_fa · x} comes from {@link MatVecBf16}.) Shapes: low [C*rank], fb [H*dk, rank] bf16,
 * dtBias [H*dk] fp32, aLog [H] fp32, g [C * H*dk]. Grid: work-group per channel c (groupIdx), groupIdy = token.
 */
public final class KdaForgetGate {
    private KdaForgetGate() {
    }

    public static void apply(KernelContext ctx, FloatArray low, BFloat16Array fb, FloatArray dtBias, FloatArray aLog,
                             FloatArray g, IntArray meta, int channels, int rank, int dk) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int c = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = c < channels && t < count;
        float acc = 0f;
        if (active) {
            for (int j = lid; j < rank; j += nt) {
                acc += Bf16.widen(fb.getBits(c * rank + j)) * low.get(t * rank + j);
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (active && lid == 0) {
            float f = partial[0] + dtBias.get(c);
            float softplus = f > 20f ? f : (float) Math.log(1f + (float) Math.exp(f));
            g.set(t * channels + c, -(float) Math.exp(aLog.get(c / dk)) * softplus);
        }
    }
}
