package ai.kimitornado.model.reference;

/**
 * RMSNorm: {@code y[i] = w[i] · x[i] / sqrt(mean_j(x[j]²) + eps)}. The weight is used as-is (no 1+w).
 */
public final class RmsNorm {
    private RmsNorm() {
    }

    /** x: [n] from xOff, w: [n], out: [n] from outOff (may alias x). */
    public static void apply(float[] x, int xOff, float[] w, double eps, float[] out, int outOff, int n) {
        double sumSq = 0;
        for (int i = 0; i < n; i++) {
            double v = x[xOff + i];
            sumSq += v * v;
        }
        double inv = 1.0 / Math.sqrt(sumSq / n + eps);
        for (int i = 0; i < n; i++) {
            out[outOff + i] = (float) (w[i] * (x[xOff + i] * inv));
        }
    }

    /** Whole vector: x [n], w [n] → new [n]. */
    public static float[] apply(float[] x, float[] w, double eps) {
        float[] out = new float[x.length];
        apply(x, 0, w, eps, out, 0, x.length);
        return out;
    }
}
