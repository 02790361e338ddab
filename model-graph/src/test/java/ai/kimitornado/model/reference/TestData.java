package ai.kimitornado.model.reference;

import java.util.SplittableRandom;

/** Fresh random test data; the seed is printed and can be fixed with -Dkimi.seed=N. */
final class TestData {
    final long seed;
    final SplittableRandom random;

    private TestData(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    static TestData fresh(String testName) {
        String fixed = System.getProperty("kimi.seed");
        long seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        System.out.println(testName + ": seed " + seed + " (rerun with -Dkimi.seed=" + seed + ")");
        return new TestData(seed);
    }

    double gaussian() {
        // Box–Muller from two uniforms
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    float[] gaussian(int n, double std) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (gaussian() * std);
        }
        return out;
    }

    float[][] gaussian(int rows, int cols, double std) {
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = gaussian(cols, std);
        }
        return out;
    }

    Matrix matrix(String name, int rows, int cols) {
        return Matrix.of(name, rows, cols, gaussian(rows * cols, 1.0 / Math.sqrt(cols)));
    }

    double uniform(double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }

    /** max |a − b| / max |b| over all entries. */
    static double relativeError(float[][] actual, float[][] expected) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int r = 0; r < expected.length; r++) {
            for (int c = 0; c < expected[r].length; c++) {
                if (!Float.isFinite(actual[r][c])) {
                    return Double.POSITIVE_INFINITY;
                }
                maxDiff = Math.max(maxDiff, Math.abs((double) actual[r][c] - expected[r][c]));
                maxRef = Math.max(maxRef, Math.abs(expected[r][c]));
            }
        }
        return maxDiff / maxRef;
    }

    static double relativeError(double[] actual, double[] expected) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!Double.isFinite(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
        }
        return maxDiff / maxRef;
    }

    static float[][] poisoned(int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (float[] row : out) {
            java.util.Arrays.fill(row, Float.NaN);
        }
        return out;
    }
}
