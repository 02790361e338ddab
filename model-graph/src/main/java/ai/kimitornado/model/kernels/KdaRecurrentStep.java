package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA gated delta rule, token recurrence (decode; also a valid prefill form), per head h:
 * <pre>
 *   S ← diag(exp(g_t)) · S      decay BEFORE the update
 *   u = β_t (v_t − Sᵀ k_t)      S ← S + k_t uᵀ      o_t = Sᵀ q_t   (read AFTER the update)
 * </pre>
 * State S[key][value] fp32 in global memory, {@code state[(h*dk + i)*dv + j]} (KIMI_LINEAR.md §5.2).
 * Shapes: q, k, g [C * H*dk]; v, out [C * H*dv]; beta [C*H]; state [H*dk*dv].
 * Grid: one work-group per head (groupIdx); work-item j owns value column j (strided if dv &gt; local size),
 * so the column updates need no reduction; q_t, k_t and exp(g_t) are staged in local memory per token.
 * The decay is folded into both passes (p = Σ_i S[i][j]·α_i·k_i, then S[i][j] = S[i][j]·α_i + k_i·u), so S is
 * read twice and written once per token. Tokens t &lt; count of the chunk are processed in order.
 * A chunk at position 0 starts a new sequence: the group zeroes its head's state first.
 */
public final class KdaRecurrentStep {
    private KdaRecurrentStep() {
    }

    public static void run(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray g,
                           FloatArray beta, FloatArray state, FloatArray out, IntArray meta,
                           int heads, int dk, int dv) {
        float[] qs = ctx.allocateFloatLocalArray(KernelLimits.MAX_HEAD_DIM);
        float[] ks = ctx.allocateFloatLocalArray(KernelLimits.MAX_HEAD_DIM);
        float[] alpha = ctx.allocateFloatLocalArray(KernelLimits.MAX_HEAD_DIM);
        int h = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        int sBase = h * dk * dv;
        if (meta.get(KernelLimits.META_POSITION) == 0) {
            for (int j = lid; j < dv; j += nt) {
                for (int i = 0; i < dk; i++) {
                    state.set(sBase + i * dv + j, 0f);
                }
            }
        }
        for (int t = 0; t < count; t++) {
            int kBase = t * heads * dk + h * dk;
            for (int i = lid; i < dk; i += nt) {
                qs[i] = q.get(kBase + i);
                ks[i] = k.get(kBase + i);
                alpha[i] = (float) Math.exp(g.get(kBase + i));
            }
            ctx.localBarrier();
            float b = beta.get(t * heads + h);
            for (int j = lid; j < dv; j += nt) {
                float p = 0f;
                for (int i = 0; i < dk; i++) {
                    p += state.get(sBase + i * dv + j) * alpha[i] * ks[i];
                }
                float u = b * (v.get(t * heads * dv + h * dv + j) - p);
                float o = 0f;
                for (int i = 0; i < dk; i++) {
                    int idx = sBase + i * dv + j;
                    float s = state.get(idx) * alpha[i] + ks[i] * u;
                    state.set(idx, s);
                    o += s * qs[i];
                }
                out.set(t * heads * dv + h * dv + j, o);
            }
            ctx.localBarrier();
        }
    }
}
