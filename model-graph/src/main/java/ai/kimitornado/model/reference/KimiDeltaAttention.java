package ai.kimitornado.model.reference;

/**
 * One KDA mixer (KIMI_LINEAR.md §3.3), input a_t [D] (already input-normed), output [D]:
 * <pre>
 *   q,k,v = SiLU(conv(W{q,k,v} a_t))                                  [H*dk] each
 *   q ← l2norm(q)/sqrt(dk),  k ← l2norm(k)                            per head, eps 1e-6 inside the sqrt
 *   g = −exp(A_log[h]) · softplus(f_b(f_a(a)) + dt_bias)              [H*dk] log decay, fp64 here
 *   β = sigmoid(b_proj a)                                             [H]
 *   o = gated delta rule (token recurrence or chunkwise)              [H*dv]
 *   out = o_proj( RMSNorm_head(o)·o_norm ⊙ sigmoid(g_b(g_a(a))) )     [D]
 * </pre>
 */
public record KimiDeltaAttention(int heads, int headDim, int kernel, double normEps,
                                 Matrix qProj, Matrix kProj, Matrix vProj,       // [H*dk, D] each
                                 float[] qConv, float[] kConv, float[] vConv,    // [H*dk * W] ([C,1,W])
                                 Matrix fAProj, Matrix fBProj,                   // [dk, D], [H*dk, dk]
                                 float[] dtBias, float[] aLog,                   // [H*dk], [H]
                                 Matrix bProj,                                   // [H, D]
                                 Matrix gAProj, Matrix gBProj,                   // [dk, D], [H*dk, dk]
                                 float[] oNorm,                                  // [dk]
                                 Matrix oProj) {                                 // [D, H*dk]

    public KdaState newState() {
        return new KdaState(heads, headDim, kernel);
    }

    /**
     * Runs T tokens through the mixer, carrying {@code state}.
     *
     * @param x    [T][D] input-normed hidden states
     * @param mode how to run the recurrence over the T tokens (a single token always uses the recurrence)
     * @return [T][D]
     */
    public float[][] forward(float[][] x, KdaState state, KdaPrefillMode mode) {
        int steps = x.length;
        int channels = heads * headDim;
        float[][] q = ShortConvolution.apply(qProj.matVecAll(x), qConv, kernel, state.qHistory); // [T][H*dk]
        float[][] k = ShortConvolution.apply(kProj.matVecAll(x), kConv, kernel, state.kHistory); // [T][H*dk]
        float[][] v = ShortConvolution.apply(vProj.matVecAll(x), vConv, kernel, state.vHistory); // [T][H*dv]
        double qScale = 1.0 / Math.sqrt(headDim);
        float[][] g = new float[steps][channels]; // [T][H*dk]
        float[][] beta = new float[steps][heads]; // [T][H]
        for (int t = 0; t < steps; t++) {
            L2Norm.perHead(q[t], heads, headDim, qScale);
            L2Norm.perHead(k[t], heads, headDim, 1.0);
            forgetGate(x[t], g[t]);
            for (int h = 0; h < heads; h++) {
                beta[t][h] = (float) Activations.sigmoid(bProj.dotRow(h, x[t], 0));
            }
        }
        float[][] o; // [T][H*dv]
        if (mode == KdaPrefillMode.CHUNKWISE && steps > 1) {
            o = KdaChunkwise.run(state.recurrent, heads, headDim, headDim, q, k, v, g, beta,
                    KdaChunkwise.DEFAULT_CHUNK, KdaChunkwise.DEFAULT_SUB_BLOCK);
        } else {
            o = new float[steps][channels];
            for (int t = 0; t < steps; t++) {
                KdaRecurrence.step(state.recurrent, heads, headDim, headDim, q[t], k[t], v[t], g[t], beta[t], o[t]);
            }
        }
        float[][] out = new float[steps][oProj.rows()];
        float[] low = new float[gAProj.rows()]; // [dk] g_a(a)
        float[] gate = new float[channels];     // [H*dv] g_b(g_a(a))
        for (int t = 0; t < steps; t++) {
            gAProj.matVec(x[t], low);
            gBProj.matVec(low, gate);
            float[] y = GatedRmsNorm.apply(o[t], gate, oNorm, heads, headDim, normEps);
            oProj.matVec(y, out[t]);
        }
        return out;
    }

    /** g[c] = −exp(A_log[c / dk]) · softplus((f_b · f_a · a)[c] + dt_bias[c]); a [D] → g [H*dk]. */
    void forgetGate(float[] a, float[] g) {
        float[] low = new float[fAProj.rows()]; // [dk]
        fAProj.matVec(a, low);
        for (int c = 0; c < heads * headDim; c++) {
            double f = fBProj.dotRow(c, low, 0) + dtBias[c];
            g[c] = (float) (-Math.exp(aLog[c / headDim]) * Activations.softplus(f));
        }
    }
}
