package ai.kimitornado.model.reference;

/**
 * KDA short causal depthwise convolution followed by SiLU, with a carried history.
 * <pre>
 *   y_t[c] = SiLU( Σ_{j=0..W-1} w[c][j] · x_{t-(W-1)+j}[c] )      (tap W-1 multiplies the current token)
 * </pre>
 * Positions before the first token of this call come from {@code history} (the last W-1 raw, pre-conv
 * inputs of the previous call, oldest first; zeros at sequence start). No bias.
 */
public final class ShortConvolution {
    private ShortConvolution() {
    }

    /**
     * @param raw     [T][C] pre-conv projections of this call
     * @param taps    [C * W] conv weight ({@code [C,1,W]} flattened), taps[c*W + j]
     * @param kernel  W
     * @param history [W-1][C] previous raw inputs, oldest first; replaced by the last W-1 inputs
     * @return [T][C] SiLU(conv(raw))
     */
    public static float[][] apply(float[][] raw, float[] taps, int kernel, float[][] history) {
        int steps = raw.length;
        int back = kernel - 1;
        if (history.length != back) {
            throw new IllegalArgumentException("ShortConvolution.apply: history has " + history.length
                    + " rows, expected kernel-1 = " + back);
        }
        int channels = history.length > 0 ? history[0].length : taps.length / kernel;
        if (taps.length != channels * kernel) {
            throw new IllegalArgumentException("ShortConvolution.apply: taps has " + taps.length
                    + " values, expected C*W = " + channels + "*" + kernel);
        }
        float[][] out = new float[steps][channels];
        for (int t = 0; t < steps; t++) {
            for (int c = 0; c < channels; c++) {
                double acc = 0;
                for (int j = 0; j < kernel; j++) {
                    int s = t - back + j; // source position relative to this call
                    float x = s >= 0 ? raw[s][c] : history[back + s][c];
                    acc += (double) taps[c * kernel + j] * x;
                }
                out[t][c] = (float) Activations.silu(acc);
            }
        }
        // new history = last W-1 rows of concat(history, raw)
        float[][] next = new float[back][];
        for (int i = 0; i < back; i++) {
            int s = steps - back + i;
            next[i] = (s >= 0 ? raw[s] : history[back + s]).clone();
        }
        System.arraycopy(next, 0, history, 0, back);
        return out;
    }
}
