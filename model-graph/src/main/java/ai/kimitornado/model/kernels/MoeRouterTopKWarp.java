package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MoE router top-k with one warp per token: the fast variant of {@link MoeRouterTopK} (the reference it is tested
 * against; same semantics, same ids and bit-identical weights). Lane l owns experts l, l + 32, …: each of the k
 * rounds is a scan of the lane's own ≤ E/32 candidates plus a 5-step xor-butterfly arg-max on (value, index) — every
 * lane ends with the same winner (ties → lower index), and only its owner lane marks it taken, so no barrier is
 * needed between rounds (the reference: a 256-wide tree of 8 barriers per round).
 * <pre>
 *   s = sigmoid(logits)     sel = s + e_score_correction_bias   (sel only chooses)
 *   grouped top-k (groups > 1): keep topkGroups groups by their top-2 sel sum (serial on lane 0, as the reference)
 *   idx = top-k of sel   w = s[idx] / (Σ s[idx] + 1e-20 if renormalize) · scaling
 * </pre>
 * Shapes: logits [C*E], bias [E] fp32; ids, weights [C*(topK + shared)] (the shared expert packed last as expert
 * index E, weight 1). Grid: one work-group of exactly 32 work-items per token (groupIdx); E ≤
 * {@link KernelLimits#MAX_EXPERTS}.
 */
public final class MoeRouterTopKWarp {
    private MoeRouterTopKWarp() {
    }

    public static void apply(KernelContext ctx, FloatArray logits, FloatArray bias, IntArray ids, FloatArray weights,
                             IntArray meta, int experts, int topK, int groups, int topkGroups, int renormalize,
                             float scaling, int sharedSlot) {
        float[] scores = ctx.allocateFloatLocalArray(KernelLimits.MAX_EXPERTS);
        float[] sel = ctx.allocateFloatLocalArray(KernelLimits.MAX_EXPERTS);
        int[] groupKept = ctx.allocateIntLocalArray(KernelLimits.MAX_EXPERTS);
        int[] chosen = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int t = ctx.groupIdx;
        int lane = ctx.localIdx;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group
        }
        int n = KernelContext.WARP_SIZE;
        // four experts per lane and step with their eight loads in flight (a load-use loop would wait ~E/32 times)
        for (int e0 = lane; e0 < experts; e0 += 4 * n) {
            int e1 = e0 + n;
            int e2 = e1 + n;
            int e3 = e2 + n;
            float l0 = logits.get(t * experts + e0);
            float l1 = e1 < experts ? logits.get(t * experts + e1) : 0f;
            float l2 = e2 < experts ? logits.get(t * experts + e2) : 0f;
            float l3 = e3 < experts ? logits.get(t * experts + e3) : 0f;
            float b0 = bias.get(e0);
            float b1 = e1 < experts ? bias.get(e1) : 0f;
            float b2 = e2 < experts ? bias.get(e2) : 0f;
            float b3 = e3 < experts ? bias.get(e3) : 0f;
            float s0 = 1f / (1f + (float) Math.exp(-l0));
            scores[e0] = s0;
            sel[e0] = s0 + b0;
            if (e1 < experts) {
                float s1 = 1f / (1f + (float) Math.exp(-l1));
                scores[e1] = s1;
                sel[e1] = s1 + b1;
            }
            if (e2 < experts) {
                float s2 = 1f / (1f + (float) Math.exp(-l2));
                scores[e2] = s2;
                sel[e2] = s2 + b2;
            }
            if (e3 < experts) {
                float s3 = 1f / (1f + (float) Math.exp(-l3));
                scores[e3] = s3;
                sel[e3] = s3 + b3;
            }
        }
        ctx.localBarrier();
        if (groups > 1 && lane == 0) {
            // serial group masking (groups are few): keep the topkGroups groups with the largest top-2 sums
            int perGroup = experts / groups;
            for (int grp = 0; grp < groups; grp++) {
                groupKept[grp] = 0;
            }
            for (int kept = 0; kept < topkGroups; kept++) {
                float best = MoeRouterTopK.NONE;
                int bestGroup = 0;
                for (int grp = 0; grp < groups; grp++) {
                    float first = MoeRouterTopK.NONE;
                    float second = MoeRouterTopK.NONE;
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
                    sel[e] = MoeRouterTopK.TAKEN;
                }
            }
        }
        ctx.localBarrier();
        for (int k = 0; k < topK; k++) {
            float bv = MoeRouterTopK.NONE;
            int bi = -1;
            for (int e = lane; e < experts; e += n) { // increasing e with '>': the lane's lowest index among ties
                if (sel[e] > bv) {
                    bv = sel[e];
                    bi = e;
                }
            }
            for (int m = n / 2; m > 0; m >>= 1) {
                float ov = ctx.shuffleXor(bv, m);
                int oi = ctx.shuffleXor(bi, m);
                if (oi >= 0 && (bi < 0 || ov > bv || (ov == bv && oi < bi))) {
                    bv = ov;
                    bi = oi;
                }
            }
            if (bi >= 0 && (bi & (n - 1)) == lane) {
                sel[bi] = MoeRouterTopK.TAKEN; // only the owner lane reads this entry again
            }
            if (lane == 0) {
                chosen[k] = bi;
            }
        }
        if (lane == 0) {
            // the sum after the rounds, from chosen[] in choice order as the reference (a private sum carried through
            // the rounds' shuffles was lost on PoCL, whose emulated shuffles are barriers)
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
