package ai.kimitornado.model.reference;

/**
 * MLA with NoPE (KIMI_LINEAR.md §3.5): no rotary embedding anywhere; the 64 "rope" dims take part unrotated.
 * <pre>
 *   qfull = Wq a_t            [H*(nope+rope)]  → q_nope_h [nope], q_rope_h [rope]
 *   ckv   = Wkva a_t          [kvLora+rope]    → c_t = RMSNorm(ckv[..kvLora], eps 1e-6), kr_t = ckv[kvLora..]
 *   kv_s  = Wkvb c_s          [H*(nope+v)]     → k_nope_h(s) [nope], v_h(s) [v]
 *   score_h(t,s) = (q_nope_h·k_nope_h(s) + q_rope_h·kr_s) / sqrt(nope+rope),   s ≤ t
 *   o_h = Σ_s softmax_s(score_h) v_h(s);   out = Wo concat_h o_h     [D]
 * Absorbed: q_lat_h = Wuk_hᵀ q_nope_h [kvLora]; score = (q_lat_h·c_s + q_rope_h·kr_s)/sqrt(nope+rope);
 *           ctx_h = Σ_s p c_s [kvLora]; o_h = Wuv_h ctx_h, with Wuk_h / Wuv_h the k / v rows of Wkvb for head h.
 * </pre>
 */
public record MultiHeadLatentAttention(int heads, int nopeDim, int ropeDim, int valueDim, int kvLoraRank,
                                       double latentNormEps,
                                       Matrix qProj,          // [H*(nope+rope), D]
                                       Matrix kvAProj,        // [kvLora+rope, D]
                                       float[] kvANorm,       // [kvLora]
                                       Matrix kvBProj,        // [H*(nope+v), kvLora]
                                       Matrix oProj) {        // [D, H*v]

    /** HF remote code and transformers construct kv_a_layernorm without eps → 1e-6. */
    public static final double KV_A_LAYERNORM_EPS = 1e-6;

    public MlaLatentCache newCache() {
        return new MlaLatentCache(kvLoraRank, ropeDim);
    }

    double scale() {
        return 1.0 / Math.sqrt(nopeDim + ropeDim);
    }

    /**
     * Appends the T tokens' latents to {@code cache}, then computes causal attention for each of them
     * over everything cached so far.
     *
     * @param x [T][D] input-normed hidden states
     * @return [T][D]
     */
    public float[][] forward(float[][] x, MlaLatentCache cache, MlaForm form) {
        int steps = x.length;
        int start = cache.size();
        float[][] queries = qProj.matVecAll(x); // [T][H*(nope+rope)]
        float[] ckv = new float[kvAProj.rows()]; // [kvLora+rope]
        for (int t = 0; t < steps; t++) {
            kvAProj.matVec(x[t], ckv);
            float[] latent = new float[kvLoraRank];
            RmsNorm.apply(ckv, 0, kvANorm, latentNormEps, latent, 0, kvLoraRank);
            float[] ropeKey = java.util.Arrays.copyOfRange(ckv, kvLoraRank, kvLoraRank + ropeDim);
            cache.append(latent, ropeKey);
        }
        float[][] heads = form == MlaForm.EXPANDED
                ? attendExpanded(queries, cache, start)
                : attendAbsorbed(queries, cache, start);
        float[][] out = new float[steps][oProj.rows()];
        for (int t = 0; t < steps; t++) {
            oProj.matVec(heads[t], out[t]);
        }
        return out;
    }

    /** queries [T][H*(nope+rope)], query t at absolute position start+t → [T][H*v]. */
    float[][] attendExpanded(float[][] queries, MlaLatentCache cache, int start) {
        int positions = cache.size();
        int qkDim = nopeDim + ropeDim;
        int kvDim = nopeDim + valueDim;
        // expand every cached position once per call: kv[s] = Wkvb c_s, [positions][H*(nope+v)]
        float[][] kv = new float[positions][kvBProj.rows()];
        for (int s = 0; s < positions; s++) {
            kvBProj.matVec(cache.latent(s), kv[s]);
        }
        float[][] out = new float[queries.length][heads * valueDim];
        for (int t = 0; t < queries.length; t++) {
            int visible = start + t + 1; // causal: s ≤ start + t
            for (int h = 0; h < heads; h++) {
                double[] scores = new double[visible];
                for (int s = 0; s < visible; s++) {
                    double dot = 0;
                    for (int n = 0; n < nopeDim; n++) {
                        dot += (double) queries[t][h * qkDim + n] * kv[s][h * kvDim + n];
                    }
                    float[] kr = cache.ropeKey(s);
                    for (int r = 0; r < ropeDim; r++) {
                        dot += (double) queries[t][h * qkDim + nopeDim + r] * kr[r];
                    }
                    scores[s] = dot * scale();
                }
                softmaxInPlace(scores);
                for (int e = 0; e < valueDim; e++) {
                    double acc = 0;
                    for (int s = 0; s < visible; s++) {
                        acc += scores[s] * kv[s][h * kvDim + nopeDim + e];
                    }
                    out[t][h * valueDim + e] = (float) acc;
                }
            }
        }
        return out;
    }

    /** Same contract as {@link #attendExpanded}, without expanding the cache. */
    float[][] attendAbsorbed(float[][] queries, MlaLatentCache cache, int start) {
        int qkDim = nopeDim + ropeDim;
        int kvDim = nopeDim + valueDim;
        float[][] out = new float[queries.length][heads * valueDim];
        double[] qLatent = new double[kvLoraRank]; // [kvLora] Wuk_hᵀ q_nope_h
        double[] ctx = new double[kvLoraRank];     // [kvLora] Σ_s p_s c_s
        for (int t = 0; t < queries.length; t++) {
            int visible = start + t + 1;
            for (int h = 0; h < heads; h++) {
                java.util.Arrays.fill(qLatent, 0.0);
                for (int n = 0; n < nopeDim; n++) {
                    double qn = queries[t][h * qkDim + n];
                    int row = h * kvDim + n;
                    for (int l = 0; l < kvLoraRank; l++) {
                        qLatent[l] += qn * kvBProj.get(row, l);
                    }
                }
                double[] scores = new double[visible];
                for (int s = 0; s < visible; s++) {
                    float[] c = cache.latent(s);
                    float[] kr = cache.ropeKey(s);
                    double dot = 0;
                    for (int l = 0; l < kvLoraRank; l++) {
                        dot += qLatent[l] * c[l];
                    }
                    for (int r = 0; r < ropeDim; r++) {
                        dot += (double) queries[t][h * qkDim + nopeDim + r] * kr[r];
                    }
                    scores[s] = dot * scale();
                }
                softmaxInPlace(scores);
                java.util.Arrays.fill(ctx, 0.0);
                for (int s = 0; s < visible; s++) {
                    float[] c = cache.latent(s);
                    for (int l = 0; l < kvLoraRank; l++) {
                        ctx[l] += scores[s] * c[l];
                    }
                }
                for (int e = 0; e < valueDim; e++) {
                    int row = h * kvDim + nopeDim + e;
                    double acc = 0;
                    for (int l = 0; l < kvLoraRank; l++) {
                        acc += kvBProj.get(row, l) * ctx[l];
                    }
                    out[t][h * valueDim + e] = (float) acc;
                }
            }
        }
        return out;
    }

    /** Numerically stable softmax (max subtracted), in place. */
    static void softmaxInPlace(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.exp(x[i] - max);
            sum += x[i];
        }
        for (int i = 0; i < x.length; i++) {
            x[i] /= sum;
        }
    }
}
