package ai.kimitornado.model.reference;

/**
 * KDA gated delta rule, one token at a time (KIMI_LINEAR.md §3.3). Per head h, state S[i][j]
 * (i = key dim, j = value dim), stored as {@code state[(h*dk + i)*dv + j]} in double:
 * <pre>
 *   S ← diag(exp(g_t)) · S          decay BEFORE the update (row i scaled by exp(g_t[i]))
 *   p = Sᵀ k_t                      prediction for key k_t
 *   u = β_t · (v_t − p)
 *   S ← S + k_t uᵀ
 *   o_t = Sᵀ q_t                    read AFTER the update
 * </pre>
 */
public final class KdaRecurrence {
    private KdaRecurrence() {
    }

    /**
     * @param state [H * dk * dv] recurrent state, updated in place
     * @param q     [H*dk] normalised and scaled query
     * @param k     [H*dk] normalised key
     * @param v     [H*dv] value
     * @param g     [H*dk] log decay (≤ 0)
     * @param beta  [H] write strength in (0,1)
     * @param out   [H*dv] output o_t
     */
    public static void step(double[] state, int heads, int dk, int dv,
                            float[] q, float[] k, float[] v, float[] g, float[] beta, float[] out) {
        double[] u = new double[dv]; // [dv]
        for (int h = 0; h < heads; h++) {
            int base = h * dk * dv;
            for (int i = 0; i < dk; i++) {
                double alpha = Math.exp(g[h * dk + i]);
                int row = base + i * dv;
                for (int j = 0; j < dv; j++) {
                    state[row + j] *= alpha;
                }
            }
            for (int j = 0; j < dv; j++) {
                double p = 0;
                for (int i = 0; i < dk; i++) {
                    p += state[base + i * dv + j] * k[h * dk + i];
                }
                u[j] = beta[h] * (v[h * dv + j] - p);
            }
            for (int i = 0; i < dk; i++) {
                double ki = k[h * dk + i];
                int row = base + i * dv;
                for (int j = 0; j < dv; j++) {
                    state[row + j] += ki * u[j];
                }
            }
            for (int j = 0; j < dv; j++) {
                double o = 0;
                for (int i = 0; i < dk; i++) {
                    o += state[base + i * dv + j] * q[h * dk + i];
                }
                out[h * dv + j] = (float) o;
            }
        }
    }
}
