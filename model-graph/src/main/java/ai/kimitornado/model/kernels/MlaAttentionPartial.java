package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed attention, first pass, split over the context so every compute unit works at batch 1.
 * For token t (position p = pos + t, causal: s ≤ p), head h, split sp covering s ∈ [sp·len, sp·len + len):
 * <pre>
 *   score_s = (qLat[t][h] · c_s + q_rope[t][h] · kr_s) · scale            scale = 1/sqrt(nope + rope)
 *   m = max_s score_s,  l = Σ_s exp(score_s − m),  part[j] = Σ_s exp(score_s − m) · c_s[j]
 * </pre>
 * written to {@code partials[((t*H + h)*splits + sp)*(kvLora+2)]} as [part (kvLora) | m | l]; an empty split
 * writes m = −1e30, l = 0. {@link MlaAttentionCombine} merges the splits. Also the causal prefill form: the
 * chunk's tokens attend over the cache that already holds the chunk.
 * Shapes: qLat [C*H*kvLora], q [C*H*(nope+rope)], cache [maxCtx*(kvLora+rope)].
 * Grid: work-group per (h·splits + sp) in x, token in y; local size a power of two ≤ 256, splitLen ≤ 256.
 */
public final class MlaAttentionPartial {
    private MlaAttentionPartial() {
    }

    public static void apply(KernelContext ctx, FloatArray qLat, FloatArray q, FloatArray cache, FloatArray partials,
                             IntArray meta, int heads, int nope, int rope, int kvLora, int splitLen, int splits,
                             float scale) {
        float[] query = ctx.allocateFloatLocalArray(KernelLimits.MAX_LATENT);  // [kvLora | rope]
        float[] scores = ctx.allocateFloatLocalArray(KernelLimits.MAX_SPLIT);  // [splitLen]
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int h = ctx.groupIdx / splits;
        int sp = ctx.groupIdx - h * splits;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        int visible = meta.get(KernelLimits.META_POSITION) + t + 1;
        int row = kvLora + rope;
        int s0 = sp * splitLen;
        int n = t < count && h < heads ? Math.min(splitLen, visible - s0) : 0;
        int out = ((t * heads + h) * splits + sp) * (kvLora + 2);
        if (n <= 0) {
            // uniform over the group: no work-item reaches a barrier
            if (t < count && h < heads) {
                for (int j = lid; j < kvLora; j += nt) {
                    partials.set(out + j, 0f);
                }
                if (lid == 0) {
                    partials.set(out + kvLora, -1e30f);
                    partials.set(out + kvLora + 1, 0f);
                }
            }
            return;
        }
        int latBase = (t * heads + h) * kvLora;
        int ropeBase = t * heads * (nope + rope) + h * (nope + rope) + nope;
        for (int j = lid; j < row; j += nt) {
            query[j] = j < kvLora ? qLat.get(latBase + j) : q.get(ropeBase + (j - kvLora));
        }
        ctx.localBarrier();
        float localMax = -1e30f;
        for (int i = lid; i < n; i += nt) {
            int cBase = (s0 + i) * row;
            float dot = 0f;
            for (int j = 0; j < row; j++) {
                dot += query[j] * cache.get(cBase + j);
            }
            float sc = dot * scale;
            scores[i] = sc;
            localMax = Math.max(localMax, sc);
        }
        partial[lid] = localMax;
        ctx.localBarrier();
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] = Math.max(partial[lid], partial[lid + stride]);
            }
            ctx.localBarrier();
        }
        float m = partial[0];
        ctx.localBarrier();
        float localSum = 0f;
        for (int i = lid; i < n; i += nt) {
            float p = (float) Math.exp(scores[i] - m);
            scores[i] = p;
            localSum += p;
        }
        partial[lid] = localSum;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        for (int j = lid; j < kvLora; j += nt) {
            float acc = 0f;
            for (int i = 0; i < n; i++) {
                acc += scores[i] * cache.get((s0 + i) * row + j);
            }
            partials.set(out + j, acc);
        }
        if (lid == 0) {
            partials.set(out + kvLora, m);
            partials.set(out + kvLora + 1, partial[0]);
        }
    }
}
