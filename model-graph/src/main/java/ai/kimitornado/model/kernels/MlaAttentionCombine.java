package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed attention, second pass: merges the per-split softmax partials of {@link MlaAttentionPartial}:
 * <pre>  M = max_sp m_sp,   L = Σ_sp l_sp·exp(m_sp − M),   ctx[t][h][j] = Σ_sp exp(m_sp − M)·part_sp[j] / L </pre>
 * Splits with l = 0 (empty ranges) are skipped: their part need not be written.
 * Shapes: partials [C*H*splits*(kvLora+2)], latentCtx [C*H*kvLora]. Grid 2D: work-item per (h·kvLora + j), token in y.
 */
public final class MlaAttentionCombine {
    private MlaAttentionCombine() {
    }

    public static void apply(KernelContext ctx, FloatArray partials, FloatArray latentCtx, IntArray meta,
                             int heads, int kvLora, int splits) {
        int x = ctx.globalIdx;
        int t = ctx.globalIdy;
        int count = meta.get(KernelLimits.META_COUNT);
        if (x < heads * kvLora && t < count) {
            int h = x / kvLora;
            int j = x - h * kvLora;
            int stride = kvLora + 2;
            int base = (t * heads + h) * splits * stride;
            float mx = -1e30f;
            for (int sp = 0; sp < splits; sp++) {
                mx = Math.max(mx, partials.get(base + sp * stride + kvLora));
            }
            float total = 0f;
            float acc = 0f;
            for (int sp = 0; sp < splits; sp++) {
                float l = partials.get(base + sp * stride + kvLora + 1);
                if (l > 0f) { // an empty split (l = 0) may leave its part unwritten
                    float weight = (float) Math.exp(partials.get(base + sp * stride + kvLora) - mx);
                    total += weight * l;
                    acc += weight * partials.get(base + sp * stride + j);
                }
            }
            latentCtx.set(t * heads * kvLora + x, acc / total);
        }
    }
}
