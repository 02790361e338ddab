package ai.kimitornado.model.reference;

/**
 * KDA output norm: head-wise RMSNorm times a <b>sigmoid</b> gate (fla FusedRMSNormGated, activation='sigmoid').
 * <pre>
 *   y[h][d] = w[d] · o[h][d] / sqrt(mean_d'(o[h][d']²) + eps) · sigmoid(gate[h·dv + d])
 * </pre>
 * The weight [dv] is shared by all heads.
 */
public final class GatedRmsNorm {
    private GatedRmsNorm() {
    }

    /** o: [H*dv], gate: [H*dv], w: [dv] → new [H*dv]. */
    public static float[] apply(float[] o, float[] gate, float[] w, int heads, int dv, double eps) {
        float[] y = new float[heads * dv];
        for (int h = 0; h < heads; h++) {
            double sumSq = 0;
            for (int d = 0; d < dv; d++) {
                double v = o[h * dv + d];
                sumSq += v * v;
            }
            double inv = 1.0 / Math.sqrt(sumSq / dv + eps);
            for (int d = 0; d < dv; d++) {
                int c = h * dv + d;
                y[c] = (float) (w[d] * (o[c] * inv) * Activations.sigmoid(gate[c]));
            }
        }
        return y;
    }
}
