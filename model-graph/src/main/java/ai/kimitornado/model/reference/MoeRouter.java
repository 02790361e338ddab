package ai.kimitornado.model.reference;

import java.util.Arrays;

/**
 * MoE router (KIMI_LINEAR.md §3.6, DeepSeek-V3 / vLLM / transformers semantics):
 * <pre>
 *   s   = sigmoid(Wgate · m)              [E]   (or softmax when the config says so)
 *   sel = s + e_score_correction_bias     [E]   used ONLY to choose experts
 *   grouped top-k: group score = sum of the top-2 sel in each of the G groups; keep the topk_group best
 *                  groups, mask the rest (a no-op for G = 1)
 *   idx = top-k of sel;  w = s[idx] (unbiased);  w ← w / (Σ w + 1e-20) if renormalize;  w ← w · scaling
 * </pre>
 * Ties choose the lower expert index.
 */
public record MoeRouter(Matrix gate,            // [E, D]
                        float[] correctionBias, // [E], zeros when the checkpoint has none
                        int topK, boolean renormalize, double routedScalingFactor,
                        String activation, boolean groupedTopK, int numGroups, int topKGroups) {

    public MoeRouter {
        if (!activation.equals("sigmoid") && !activation.equals("softmax")) {
            throw new IllegalArgumentException("MoeRouter: unsupported moe_router_activation_func '" + activation
                    + "', expected sigmoid or softmax");
        }
        int experts = gate.rows();
        if (correctionBias.length != experts) {
            throw new IllegalArgumentException("MoeRouter: e_score_correction_bias has " + correctionBias.length
                    + " values, expected " + experts);
        }
        if (topK <= 0 || topK > experts) {
            throw new IllegalArgumentException("MoeRouter: top-k " + topK + " outside 1.." + experts);
        }
        if (groupedTopK && (numGroups <= 0 || experts % numGroups != 0 || topKGroups <= 0 || topKGroups > numGroups)) {
            throw new IllegalArgumentException("MoeRouter: " + experts + " experts cannot form " + numGroups
                    + " groups keeping " + topKGroups);
        }
    }

    /** Chosen experts (in selection order, best first) and their weights. */
    public record Routing(int[] experts, float[] weights) {
    }

    /** m: [D] post-attention-normed hidden state. */
    public Routing route(float[] m) {
        int experts = gate.rows();
        double[] scores = new double[experts]; // [E]
        for (int e = 0; e < experts; e++) {
            scores[e] = gate.dotRow(e, m, 0);
        }
        if (activation.equals("sigmoid")) {
            for (int e = 0; e < experts; e++) {
                scores[e] = Activations.sigmoid(scores[e]);
            }
        } else {
            MultiHeadLatentAttention.softmaxInPlace(scores);
        }
        double[] selection = new double[experts]; // [E] biased, for choosing only
        for (int e = 0; e < experts; e++) {
            selection[e] = scores[e] + correctionBias[e];
        }
        if (groupedTopK && numGroups > 1) {
            maskGroups(selection);
        }
        int[] chosen = topIndices(selection, topK);
        double sum = 0;
        for (int e : chosen) {
            sum += scores[e];
        }
        float[] weights = new float[topK];
        for (int i = 0; i < topK; i++) {
            double w = scores[chosen[i]];
            if (renormalize) {
                w /= sum + 1e-20;
            }
            weights[i] = (float) (w * routedScalingFactor);
        }
        return new Routing(chosen, weights);
    }

    /** Sets the selection score of experts outside the topk_group best groups to −∞. */
    private void maskGroups(double[] selection) {
        int perGroup = selection.length / numGroups;
        double[] groupScore = new double[numGroups]; // [G] sum of the top-2 (or fewer) members
        for (int grp = 0; grp < numGroups; grp++) {
            double[] members = Arrays.copyOfRange(selection, grp * perGroup, (grp + 1) * perGroup);
            int[] best = topIndices(members, Math.min(2, perGroup));
            for (int i : best) {
                groupScore[grp] += members[i];
            }
        }
        boolean[] keep = new boolean[numGroups];
        for (int grp : topIndices(groupScore, topKGroups)) {
            keep[grp] = true;
        }
        for (int e = 0; e < selection.length; e++) {
            if (!keep[e / perGroup]) {
                selection[e] = Double.NEGATIVE_INFINITY;
            }
        }
    }

    /** Indices of the k largest values, largest first; ties → lower index. */
    static int[] topIndices(double[] values, int k) {
        int[] out = new int[k];
        boolean[] taken = new boolean[values.length];
        for (int i = 0; i < k; i++) {
            int best = -1;
            for (int e = 0; e < values.length; e++) {
                if (!taken[e] && (best < 0 || values[e] > values[best])) {
                    best = e;
                }
            }
            taken[best] = true;
            out[i] = best;
        }
        return out;
    }
}
