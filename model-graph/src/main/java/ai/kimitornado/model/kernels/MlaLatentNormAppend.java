package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA latent: kv_a latent RMSNorm (eps 1e-6) fused with the cache append. For token t at position p = pos + t:
 * <pre>  cache[p] = [ RMSNorm(ckv[t][0..kvLora); w, eps) | ckv[t][kvLora..kvLora+rope) ]     (576 values per token) </pre>
 * The rope part is stored unrotated (NoPE). Shapes: ckv [C*(kvLora+rope)], w [kvLora] bf16,
 * cache [maxCtx*(kvLora+rope)] fp32. Grid: work-group per token (groupIdx); the host checks the capacity.
 */
public final class MlaLatentNormAppend {
    private MlaLatentNormAppend() {
    }

    public static final float EPS = 1e-6f;

    public static void apply(KernelContext ctx, FloatArray ckv, BFloat16Array w, FloatArray cache, IntArray meta,
                             int kvLora, int rope, float eps, int maxCtx) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int t = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        int pos = meta.get(KernelLimits.META_POSITION) + t;
        int row = kvLora + rope;
        boolean active = t < count && pos < maxCtx;
        float acc = 0f;
        if (active) {
            for (int i = lid; i < kvLora; i += nt) {
                float v = ckv.get(t * row + i);
                acc += v * v;
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        float inv = 1.0f / (float) Math.sqrt(partial[0] / kvLora + eps);
        if (active) {
            for (int i = lid; i < row; i += nt) {
                float v = ckv.get(t * row + i);
                cache.set(pos * row + i, i < kvLora ? Bf16.widen(w.getBits(i)) * (v * inv) : v);
            }
        }
    }
}
