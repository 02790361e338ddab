package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.ByteArray;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;
import ai.kimitornado.tasks.types.arrays.ShortArray;

/** Catalogue: integer/long/float/double arithmetic, casts, bit operations, shifts, comparisons. */
public final class ArithmeticKernels {
    private ArithmeticKernels() {
    }

    /** Wrapping int add/sub/mul/neg. */
    public static void intArith(IntArray a, IntArray b, IntArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i), y = b.get(i);
            out.set(4 * i, x + y);
            out.set(4 * i + 1, x - y);
            out.set(4 * i + 2, x * y);
            out.set(4 * i + 3, -x ^ (x * 31 + y));
        }
    }

    /** Truncating division and remainder with negatives, MIN_VALUE / -1. Divisors are never 0. */
    public static void intDivRem(IntArray a, IntArray b, IntArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i), y = b.get(i);
            out.set(4 * i, x / y);
            out.set(4 * i + 1, x % y);
            out.set(4 * i + 2, Integer.MIN_VALUE / (y < 0 ? -1 : y));
            out.set(4 * i + 3, (x % 7) / -3);
        }
    }

    public static void longArith(LongArray a, LongArray b, LongArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            long x = a.get(i), y = b.get(i);
            out.set(6 * i, x + y);
            out.set(6 * i + 1, x - y * 3);
            out.set(6 * i + 2, x * y);
            out.set(6 * i + 3, x / y);
            out.set(6 * i + 4, x % y);
            out.set(6 * i + 5, Long.MIN_VALUE / (y < 0 ? -1L : y) + (long) (int) x);
        }
    }

    /** &, |, ^, ~ on int and long. */
    public static void bitOps(IntArray a, LongArray b, LongArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i);
            long y = b.get(i);
            out.set(4 * i, (x & 0xF0F0F0F0) | ~x);
            out.set(4 * i + 1, y ^ (y & 0x00FF00FF00FF00FFL));
            out.set(4 * i + 2, ~y | (long) (x ^ 0x5555));
            out.set(4 * i + 3, (long) x & y);
        }
    }

    /** <<, >>, >>> on int and long, with counts beyond the width (masked by 31/63) and negative counts. */
    public static void shifts(IntArray a, IntArray s, LongArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i), c = s.get(i);
            long l = ((long) x << 32) | (x & 0xFFFFFFFFL);
            out.set(6 * i, x << c);
            out.set(6 * i + 1, x >> c);
            out.set(6 * i + 2, x >>> c);
            out.set(6 * i + 3, l << c);
            out.set(6 * i + 4, l >> c);
            out.set(6 * i + 5, l >>> c);
        }
    }

    /** Constant shift counts, including counts beyond the width (Java masks them). */
    @SuppressWarnings("ShiftOutOfRange")
    public static void constantShifts(IntArray a, LongArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            int x = a.get(i);
            long l = ((long) x << 29) ^ x;
            out.set(6 * i, (x << 3) + (x >> 35));
            out.set(6 * i + 1, x >>> 33);
            out.set(6 * i + 2, x << -1);
            out.set(6 * i + 3, l << 70);
            out.set(6 * i + 4, l >> 63);
            out.set(6 * i + 5, (l >>> 64) + (l >>> 1));
        }
    }

    public static void floatArith(FloatArray a, FloatArray b, FloatArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            float x = a.get(i), y = b.get(i);
            out.set(5 * i, x + y);
            out.set(5 * i + 1, x - y);
            out.set(5 * i + 2, x * y);
            out.set(5 * i + 3, x / y);
            out.set(5 * i + 4, x % y);
        }
    }

    public static void doubleArith(DoubleArray a, DoubleArray b, DoubleArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            double x = a.get(i), y = b.get(i);
            out.set(5 * i, x + y);
            out.set(5 * i + 1, x - y);
            out.set(5 * i + 2, x * y);
            out.set(5 * i + 3, x / y);
            out.set(5 * i + 4, x % y);
        }
    }

    /** float/double → int/long saturate, NaN → 0, truncate toward zero; int/long → float/double round. */
    public static void floatCasts(FloatArray f, DoubleArray d, LongArray out) {
        for (@Parallel int i = 0; i < f.getSize(); i++) {
            float x = f.get(i);
            double y = d.get(i);
            out.set(8 * i, (int) x);
            out.set(8 * i + 1, (long) x);
            out.set(8 * i + 2, (int) y);
            out.set(8 * i + 3, (long) y);
            out.set(8 * i + 4, Float.floatToRawIntBits((float) y));
            out.set(8 * i + 5, Double.doubleToRawLongBits((double) x));
            long big = (long) y;
            out.set(8 * i + 6, Float.floatToRawIntBits((float) big) + Float.floatToRawIntBits((float) (int) y));
            out.set(8 * i + 7, Double.doubleToRawLongBits((double) big) ^ Double.doubleToRawLongBits((double) (int) x));
        }
    }

    /** int → byte/short/char wrapping, byte/short arrays (sign extension), boolean logic. */
    public static void narrowTypes(IntArray in, ByteArray bytes, ShortArray shorts, IntArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int v = in.get(i);
            byte b = (byte) v;
            short s = (short) v;
            char c = (char) v;
            bytes.set(i, (byte) (b + 100));
            shorts.set(i, (short) (s * 3));
            boolean neg = v < 0;
            boolean odd = (v & 1) != 0;
            boolean both = neg && odd || !neg && !odd;
            out.set(4 * i, b);
            out.set(4 * i + 1, s);
            out.set(4 * i + 2, c + (both ? 1 : 0));
            out.set(4 * i + 3, (char) (c + 1000) + (byte) (v >> 8) + bytes.get(i) + shorts.get(i));
        }
    }

    /** Comparisons with NaN (fcmpl/fcmpg/dcmpl/dcmpg, all six relations) and lcmp. */
    public static void comparisons(FloatArray a, FloatArray b, LongArray l, IntArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            float x = a.get(i), y = b.get(i);
            double dx = x, dy = y;
            long p = l.get(i), q = l.get(i) >> 3;
            int bits = 0;
            if (x < y) bits |= 1;
            if (x <= y) bits |= 2;
            if (x > y) bits |= 4;
            if (x >= y) bits |= 8;
            if (x == y) bits |= 16;
            if (x != y) bits |= 32;
            if (dx < dy) bits |= 64;
            if (dx >= dy) bits |= 128;
            if (!(dx > dy)) bits |= 256;
            if (p < q) bits |= 512;
            if (p >= q) bits |= 1024;
            if (p == q) bits |= 2048;
            bits |= p > q ? 4096 : 0;
            bits |= dx != dy ? 8192 : 0;
            out.set(i, bits);
        }
    }
}
