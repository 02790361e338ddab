package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MoE router on the device (KIMI_LINEAR.md §3.6; DeepSeek-V3 / vLLM semantics), from the router logits
 * ({@link MatVecBf16} of the gate weight):
 * <pre>
 *   s = sigmoid(logits)     sel = s + e_score_correction_bias   (sel only chooses)
 *   grouped top-k: group score = sum of the group's top-2 sel; keep topkGroups groups (no-op for 1 group)
 *   idx = top-k of sel (ties → lower index)   w = s[idx] / (Σ s[idx] + 1e-20 if renormalize) · scaling
 * </pre>
 * Writes {@code slots = topK + shared} entries per token: ids [C*slots], weights [C*slots]; with
 * {@code sharedSlot = 1} the last slot is the shared expert, packed as expert index {@code experts} with weight 1,
 * so {@link MoeExpertsGateUp}/{@link MoeExpertsDown} run routed and shared experts in one launch each.
 * Shapes: logits [C*E], bias [E] fp32 (kept exact: it decides the routing). Grid: one work-group per token (groupIdx), local size a power of two ≤ 256,
 * E ≤ {@link KernelLimits#MAX_EXPERTS}; top-k by k rounds of a local (value, index) arg-max reduction.
 */
public final class MoeRouterTopK {
    private MoeRouterTopK() {
    }

    /** Below every sigmoid score plus bias: marks masked groups and already chosen experts. */
    static final float TAKEN = -3.0e38f;
    static final float NONE = -3.4e38f;

    public static void apply(KernelContext ctx, FloatArray logits, FloatArray bias, IntArray ids, FloatArray weights,
                             IntArray meta, int experts, int topK, int groups, int topkGroups, int renormalize,
                             float scaling, int sharedSlot) {
        float[] scores = ctx.allocateFloatLocalArray(KernelLimits.MAX_EXPERTS);
        float[] sel = ctx.allocateFloatLocalArray(KernelLimits.MAX_EXPERTS);
        float[] bestValue = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int[] bestIndex = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int[] chosen = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int[] groupKept = ctx.allocateIntLocalArray(KernelLimits.MAX_EXPERTS);
        int t = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group
        }
        for (int e = lid; e < experts; e += nt) {
            float s = 1f / (1f + (float) Math.exp(-logits.get(t * experts + e)));
            scores[e] = s;
            sel[e] = s + bias.get(e);
        }
        ctx.localBarrier();
        if (groups > 1 && lid == 0) {
            // serial group masking (groups are few): keep the topkGroups groups with the largest top-2 sums
            int perGroup = experts / groups;
            for (int grp = 0; grp < groups; grp++) {
                groupKept[grp] = 0;
            }
            for (int kept = 0; kept < topkGroups; kept++) {
                float best = NONE;
                int bestGroup = 0;
                for (int grp = 0; grp < groups; grp++) {
                    float first = NONE;
                    float second = NONE;
                    for (int e = grp * perGroup; e < (grp + 1) * perGroup; e++) {
                        float v = sel[e];
                        if (v > first) {
                            second = first;
                            first = v;
                        } else if (v > second) {
                            second = v;
                        }
                    }
                    float score = perGroup > 1 ? first + second : first;
                    if (groupKept[grp] == 0 && score > best) {
                        best = score;
                        bestGroup = grp;
                    }
                }
                groupKept[bestGroup] = 1;
            }
            for (int e = 0; e < experts; e++) {
                if (groupKept[e / perGroup] == 0) {
                    sel[e] = TAKEN;
                }
            }
        }
        ctx.localBarrier();
        for (int k = 0; k < topK; k++) {
            float bv = NONE;
            int bi = -1;
            for (int e = lid; e < experts; e += nt) {
                if (sel[e] > bv) {
                    bv = sel[e];
                    bi = e;
                }
            }
            bestValue[lid] = bv;
            bestIndex[lid] = bi;
            ctx.localBarrier();
            for (int stride = nt >> 1; stride > 0; stride >>= 1) {
                if (lid < stride) {
                    float ov = bestValue[lid + stride];
                    int oi = bestIndex[lid + stride];
                    float mv = bestValue[lid];
                    int mi = bestIndex[lid];
                    if (oi >= 0 && (mi < 0 || ov > mv || (ov == mv && oi < mi))) {
                        bestValue[lid] = ov;
                        bestIndex[lid] = oi;
                    }
                }
                ctx.localBarrier();
            }
            if (lid == 0) {
                chosen[k] = bestIndex[0];
                sel[bestIndex[0]] = TAKEN;
            }
            ctx.localBarrier();
        }
        if (lid == 0) {
            float sum = 0f;
            for (int k = 0; k < topK; k++) {
                sum += scores[chosen[k]];
            }
            int slots = topK + sharedSlot;
            for (int k = 0; k < topK; k++) {
                float w = scores[chosen[k]];
                if (renormalize != 0) {
                    w = w / (sum + 1e-20f);
                }
                ids.set(t * slots + k, chosen[k]);
                weights.set(t * slots + k, w * scaling);
            }
            if (sharedSlot != 0) {
                ids.set(t * slots + topK, experts);
                weights.set(t * slots + topK, 1f);
            }
        }
    }
}
