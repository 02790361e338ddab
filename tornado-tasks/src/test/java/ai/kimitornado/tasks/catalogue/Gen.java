package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.ByteArray;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import ai.kimitornado.tasks.types.arrays.ShortArray;
import java.util.Random;

/** Random catalogue inputs and poisoned outputs. */
final class Gen {
    private Gen() {
    }

    static final int POISON_INT = 0xDEADBEEF;

    static FloatArray floats(Random r, int n, float lo, float hi) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, lo + r.nextFloat() * (hi - lo));
        }
        return a;
    }

    /** Floats with special values mixed in: NaN, ±0, ±inf, huge, tiny, integers, halves. */
    static FloatArray specialFloats(Random r, int n) {
        float[] specials = {Float.NaN, 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 3e9f, -3e9f,
            1e19f, -1e19f, 2.5f, -2.5f, 1f, -1f, Float.MIN_VALUE, 65504f, 1e-6f, 0.5f, 2147483520f};
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextInt(3) == 0 ? specials[r.nextInt(specials.length)] : (r.nextFloat() - 0.5f) * 200f);
        }
        return a;
    }

    static DoubleArray doubles(Random r, int n, double lo, double hi) {
        DoubleArray a = new DoubleArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, lo + r.nextDouble() * (hi - lo));
        }
        return a;
    }

    static DoubleArray specialDoubles(Random r, int n) {
        double[] specials = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 3e9, -3e9,
            1e19, -1e19, 2.5, -2.5, 2147483647.5, -2147483648.7, 9.3e18, -9.3e18, Double.MIN_VALUE};
        DoubleArray a = new DoubleArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextInt(3) == 0 ? specials[r.nextInt(specials.length)] : (r.nextDouble() - 0.5) * 1e6);
        }
        return a;
    }

    static IntArray ints(Random r, int n) {
        IntArray a = new IntArray(n);
        int[] specials = {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, 7, -7, 255, -256, 65535, 1000, -1000};
        for (int i = 0; i < n; i++) {
            a.set(i, r.nextInt(4) == 0 ? specials[r.nextInt(specials.length)] : r.nextInt());
        }
        return a;
    }

    static IntArray ints(Random r, int n, int lo, int hi) {
        IntArray a = new IntArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, lo + r.nextInt(hi - lo));
        }
        return a;
    }

    /** Non-zero ints (divisors), with -1 and extremes mixed in. */
    static IntArray divisors(Random r, int n) {
        IntArray a = ints(r, n);
        for (int i = 0; i < n; i++) {
            if (a.get(i) == 0 || r.nextInt(5) == 0) {
                a.set(i, r.nextBoolean() ? -1 : (r.nextInt(19) - 9) | 1);
            }
        }
        return a;
    }

    static LongArray longs(Random r, int n, boolean nonZero) {
        LongArray a = new LongArray(n);
        long[] specials = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MIN_VALUE, 1L << 40, -3};
        for (int i = 0; i < n; i++) {
            long v = r.nextInt(4) == 0 ? specials[r.nextInt(specials.length)] : r.nextLong();
            if (nonZero && v == 0) {
                v = -1;
            }
            a.set(i, v);
        }
        return a;
    }

    /** bf16 values uniform in [lo, hi) (rounded to nearest even). */
    static BFloat16Array bf16s(Random r, int n, float lo, float hi) {
        BFloat16Array a = new BFloat16Array(n);
        for (int i = 0; i < n; i++) {
            a.setFloat(i, lo + r.nextFloat() * (hi - lo));
        }
        return a;
    }

    /** fp16 values uniform in [lo, hi) (rounded to nearest even). */
    static HalfFloatArray halves(Random r, int n, float lo, float hi) {
        HalfFloatArray a = new HalfFloatArray(n);
        for (int i = 0; i < n; i++) {
            a.setFloat(i, lo + r.nextFloat() * (hi - lo));
        }
        return a;
    }

    static FloatArray poisonFloats(int n) {
        FloatArray a = new FloatArray(n);
        a.init(Float.NaN);
        return a;
    }

    static DoubleArray poisonDoubles(int n) {
        DoubleArray a = new DoubleArray(n);
        a.init(Double.NaN);
        return a;
    }

    static IntArray poisonInts(int n) {
        IntArray a = new IntArray(n);
        a.init(POISON_INT);
        return a;
    }

    static LongArray poisonLongs(int n) {
        LongArray a = new LongArray(n);
        a.init(0xDEADBEEFCAFEL);
        return a;
    }

    static ByteArray poisonBytes(int n) {
        ByteArray a = new ByteArray(n);
        a.init((byte) 0x5A);
        return a;
    }

    static ShortArray poisonShorts(int n) {
        ShortArray a = new ShortArray(n);
        a.init((short) 0x5A5A);
        return a;
    }

    static HalfFloatArray poisonHalves(int n) {
        HalfFloatArray a = new HalfFloatArray(n);
        a.init(Float.NaN);
        return a;
    }

    static BFloat16Array poisonBf16(int n) {
        BFloat16Array a = new BFloat16Array(n);
        a.init(Float.NaN);
        return a;
    }
}
