package ai.kimitornado.model.reference;

/**
 * Per-head L2 normalisation with the epsilon inside the square root, then a scale:
 * {@code x_h ← scale · x_h / sqrt(Σ_d x_h[d]² + eps)} (fla {@code l2norm}; not {@code x / max(‖x‖, eps)}).
 */
public final class L2Norm {
    public static final double EPS = 1e-6;

    private L2Norm() {
    }

    /** x: [heads * dim], normalised in place, each head's block separately. */
    public static void perHead(float[] x, int heads, int dim, double scale) {
        for (int h = 0; h < heads; h++) {
            double sumSq = 0;
            for (int d = 0; d < dim; d++) {
                double v = x[h * dim + d];
                sumSq += v * v;
            }
            double inv = scale / Math.sqrt(sumSq + EPS);
            for (int d = 0; d < dim; d++) {
                x[h * dim + d] = (float) (x[h * dim + d] * inv);
            }
        }
    }
}
