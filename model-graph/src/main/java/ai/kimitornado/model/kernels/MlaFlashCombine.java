package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Merges the per-split softmax partials of {@link MlaFlashAttention}, in parallel over the splits: the fast variant of
 * {@link MlaAttentionCombine} (its reference), whose work-items walk all splits one after another (two dependent
 * global loads per split: latency-bound at 100+ splits). Same math:
 * <pre>  M = max_sp m_sp,   L = Σ_sp l_sp·exp(m_sp − M),   ctx[t][h][j] = Σ_sp exp(m_sp − M)·part_sp[j] / L </pre>
 * A work-group per (head, block of {@link #COLUMNS} columns) in x, token in y: it stages the splits' weights
 * exp(m − M) in local memory, then {@link #LANES} work-items per column each sum every LANES-th split, and the lanes
 * are added in local memory. Splits with l = 0 (empty ranges) are skipped without reading their part.
 * Shapes: partials [C*H*splits*(kvLora+2)], latentCtx [C*H*kvLora]; splits ≤ {@link #MAX_SPLITS}; any local size.
 */
public final class MlaFlashCombine {
    private MlaFlashCombine() {
    }

    /** Columns per work-group. */
    public static final int COLUMNS = 16;
    /** Work-items sharing one column (each sums every LANES-th split). */
    public static final int LANES = 16;
    /** Most splits the local weights hold. */
    public static final int MAX_SPLITS = 256;

    public static void apply(KernelContext ctx, FloatArray partials, FloatArray latentCtx, IntArray meta,
                             int heads, int kvLora, int splits) {
        float[] weight = ctx.allocateFloatLocalArray(MAX_SPLITS);      // exp(m_sp − M), 0 for empty splits
        float[] red = ctx.allocateFloatLocalArray(LANES * COLUMNS);     // [lane][column] partial sums
        float[] norm = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL); // max, then Σ weight·l
        int blocks = (kvLora + COLUMNS - 1) / COLUMNS;
        int h = ctx.groupIdx / blocks;
        int j0 = (ctx.groupIdx - h * blocks) * COLUMNS;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count || h >= heads) {
            return; // uniform over the group
        }
        int stride = kvLora + 2;
        int base = (t * heads + h) * splits * stride;
        float mx = -1e30f;
        for (int sp = lid; sp < splits; sp += nt) {
            mx = Math.max(mx, partials.get(base + sp * stride + kvLora));
        }
        norm[lid] = mx;
        ctx.localBarrier();
        for (int s = nt >> 1; s > 0; s >>= 1) {
            if (lid < s) {
                norm[lid] = Math.max(norm[lid], norm[lid + s]);
            }
            ctx.localBarrier();
        }
        float m = norm[0];
        ctx.localBarrier();
        float total = 0f;
        for (int sp = lid; sp < splits; sp += nt) {
            float l = partials.get(base + sp * stride + kvLora + 1);
            float w = l > 0f ? (float) Math.exp(partials.get(base + sp * stride + kvLora) - m) : 0f;
            weight[sp] = w;
            total += w * l;
        }
        norm[lid] = total;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, norm, lid, nt);
        float inv = 1f / norm[0];
        for (int w = lid; w < LANES * COLUMNS; w += nt) {
            int lane = w / COLUMNS;
            int j = j0 + (w - lane * COLUMNS);
            float acc = 0f;
            if (j < kvLora) {
                for (int sp = lane; sp < splits; sp += LANES) {
                    float wt = weight[sp];
                    if (wt > 0f) {
                        acc += wt * partials.get(base + sp * stride + j);
                    }
                }
            }
            red[w] = acc;
        }
        ctx.localBarrier();
        for (int c = lid; c < COLUMNS; c += nt) {
            int j = j0 + c;
            if (j < kvLora) {
                float acc = 0f;
                for (int lane = 0; lane < LANES; lane++) {
                    acc += red[lane * COLUMNS + c];
                }
                latentCtx.set((t * heads + h) * kvLora + j, acc * inv);
            }
        }
    }
}
