package ai.kimitornado.model.reference;

/**
 * One pre-norm decoder block (KIMI_LINEAR.md §3.0):
 * <pre>
 *   a = RMSNorm(h; input_layernorm);           h = h + Mixer(a)        (KDA or MLA)
 *   m = RMSNorm(h; post_attention_layernorm);  h = h + FFN(m)          (dense SwiGLU or MoE)
 * </pre>
 * Exactly one of {@code kda}/{@code mla} and one of {@code denseMlp}/{@code moe} is non-null.
 */
record DecoderLayer(int index, double normEps,
                    float[] inputNorm,      // [D]
                    float[] postNorm,       // [D]
                    KimiDeltaAttention kda,
                    MultiHeadLatentAttention mla,
                    SwiGluMlp denseMlp,
                    MoeBlock moe) {

    DecoderLayer {
        if ((kda == null) == (mla == null) || (denseMlp == null) == (moe == null)) {
            throw new IllegalArgumentException("DecoderLayer " + index + ": needs exactly one mixer and one FFN");
        }
    }

    /**
     * h: [T][D] hidden states, updated in place. {@code kdaState} is used by KDA layers,
     * {@code mlaCache} by MLA layers.
     */
    void forward(float[][] h, KdaState kdaState, MlaLatentCache mlaCache, KdaPrefillMode kdaMode, MlaForm mlaForm) {
        int steps = h.length;
        int hidden = inputNorm.length;
        float[][] a = new float[steps][hidden]; // [T][D]
        for (int t = 0; t < steps; t++) {
            RmsNorm.apply(h[t], 0, inputNorm, normEps, a[t], 0, hidden);
        }
        float[][] mixed = kda != null ? kda.forward(a, kdaState, kdaMode) : mla.forward(a, mlaCache, mlaForm);
        float[] m = new float[hidden]; // [D]
        for (int t = 0; t < steps; t++) {
            for (int d = 0; d < hidden; d++) {
                h[t][d] += mixed[t][d];
            }
            RmsNorm.apply(h[t], 0, postNorm, normEps, m, 0, hidden);
            float[] ffn = moe != null ? moe.forward(m) : denseMlp.forward(m);
            for (int d = 0; d < hidden; d++) {
                h[t][d] += ffn[d];
            }
        }
    }
}
