package ai.kimitornado.model.kernels;

import ai.kimitornado.model.reference.Matrix;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.Random;

/** Fresh random inputs (seed printed so a failure can be replayed), NaN-poisoned outputs, tolerant comparison. */
final class TestData {
    final long seed;
    final Random random;

    TestData(String testName) {
        this.seed = Long.getLong("kernels.seed", System.nanoTime());
        this.random = new Random(seed);
        System.out.println(testName + ": seed " + seed + " (rerun with -Dkernels.seed=" + seed + ")");
    }

    float[] uniform(int n, float scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (random.nextFloat() * 2f - 1f) * scale;
        }
        return out;
    }

    /** Random bf16 values; the returned float[] holds exactly the widened values the kernel sees. */
    BFloat16Array bf16(int n, float scale) {
        return BFloat16Array.fromArray(uniform(n, scale));
    }

    static Matrix matrix(String name, BFloat16Array w, int offset, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int i = 0; i < data.length; i++) {
            data[i] = w.getFloat(offset + i);
        }
        return Matrix.of(name, rows, cols, data);
    }

    static FloatArray poisoned(int n) {
        FloatArray a = new FloatArray(n);
        a.init(Float.NaN);
        return a;
    }

    static IntArray meta(int position, int count) {
        IntArray meta = new IntArray(KernelLimits.META_SIZE);
        meta.set(KernelLimits.META_POSITION, position);
        meta.set(KernelLimits.META_COUNT, count);
        return meta;
    }

    static long[] dims(long... d) {
        return d;
    }

    /** |actual − expected| ≤ atol + rtol·|expected| everywhere in [from, to); NaN fails. Returns max abs error. */
    static double assertClose(String what, float[] expected, int expOff, FloatArray actual, int actOff, int n,
                              double atol, double rtol) {
        double maxErr = 0;
        for (int i = 0; i < n; i++) {
            double e = expected[expOff + i];
            double a = actual.get(actOff + i);
            double err = Math.abs(a - e);
            if (!(err <= atol + rtol * Math.abs(e))) {
                throw new AssertionError(what + ": element " + i + " expected " + e + " got " + a
                        + " (|Δ| " + err + " > " + atol + " + " + rtol + "·|e|)");
            }
            maxErr = Math.max(maxErr, err);
        }
        return maxErr;
    }

    static void assertAllNaN(String what, FloatArray actual, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!Float.isNaN(actual.get(i))) {
                throw new AssertionError(what + ": element " + i + " outside the valid rows was written ("
                        + actual.get(i) + ")");
            }
        }
    }

    static int pow2AtMost(int n, int cap) {
        int p = 1;
        while (p * 2 <= Math.min(n, cap)) {
            p *= 2;
        }
        return p;
    }
}
