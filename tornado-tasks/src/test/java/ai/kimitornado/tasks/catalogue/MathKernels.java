package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.math.TornadoMath;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.Float16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import ai.kimitornado.tasks.types.arrays.LongArray;

/** Catalogue: every math intrinsic, bit reinterpretation, fp16/bf16 conversions. */
public final class MathKernels {
    private MathKernels() {
    }

    /** TornadoMath float intrinsics; inputs in (0, 4]. */
    public static void floatMath(FloatArray x, FloatArray y, FloatArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            float a = x.get(i), b = y.get(i);
            int o = 12 * i;
            out.set(o, TornadoMath.exp(a));
            out.set(o + 1, TornadoMath.log(a));
            out.set(o + 2, TornadoMath.sqrt(a));
            out.set(o + 3, TornadoMath.rsqrt(a));
            out.set(o + 4, TornadoMath.pow(a, b - 2));
            out.set(o + 5, TornadoMath.tanh(b - 2));
            out.set(o + 6, TornadoMath.sin(a * 3));
            out.set(o + 7, TornadoMath.cos(a * 3));
            out.set(o + 8, TornadoMath.abs(2 - a));
            out.set(o + 9, TornadoMath.floor(b * 2 - 4));
            out.set(o + 10, TornadoMath.ceil(b * 2 - 4));
            out.set(o + 11, TornadoMath.fma(a, b, -a));
        }
    }

    /** java.lang.Math double intrinsics. */
    public static void doubleMath(DoubleArray x, DoubleArray out) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            double a = x.get(i);
            int o = 10 * i;
            out.set(o, Math.exp(a));
            out.set(o + 1, Math.log(a));
            out.set(o + 2, Math.sqrt(a));
            out.set(o + 3, Math.pow(a, 1.5));
            out.set(o + 4, Math.tanh(a - 2));
            out.set(o + 5, Math.sin(a));
            out.set(o + 6, Math.cos(a));
            out.set(o + 7, Math.floor(a - 2.5));
            out.set(o + 8, Math.ceil(a - 2.5));
            out.set(o + 9, Math.fma(a, a, -1.0) + Math.abs(1.5 - a));
        }
    }

    /** Math.min/max: NaN propagation and -0.0 < +0.0, for float, double, int, long. */
    public static void minMax(FloatArray a, FloatArray b, LongArray out) {
        for (@Parallel int i = 0; i < a.getSize(); i++) {
            float x = a.get(i), y = b.get(i);
            int o = 6 * i;
            out.set(o, Float.floatToRawIntBits(Math.min(x, y)));
            out.set(o + 1, Float.floatToRawIntBits(TornadoMath.max(x, y)));
            out.set(o + 2, Double.doubleToRawLongBits(Math.min((double) x, (double) y)));
            out.set(o + 3, Double.doubleToRawLongBits(Math.max((double) x, (double) y)));
            int p = Float.floatToRawIntBits(x), q = Float.floatToRawIntBits(y);
            out.set(o + 4, Math.min(p, q) + (long) Math.max(p, q) * 3 + Math.abs(p));
            out.set(o + 5, Math.max((long) p * q, (long) q) - Math.min((long) p, 7L) + Math.abs((long) p * 1000));
        }
    }

    /** Float/Double bit intrinsics and isNaN/isInfinite. */
    public static void bitsIntrinsics(IntArray in, LongArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            int bits = in.get(i);
            float f = Float.intBitsToFloat(bits);
            double d = Double.longBitsToDouble(((long) bits << 32) | 0x1234L);
            int o = 4 * i;
            out.set(o, Float.floatToIntBits(f));
            out.set(o + 1, Double.doubleToLongBits(d));
            out.set(o + 2, (Float.isNaN(f) ? 1 : 0) + (Float.isInfinite(f) ? 2 : 0) + (Double.isNaN(d) ? 4 : 0));
            // arithmetic on NaN may change its payload (GPUs canonicalise): compare canonical bits there
            out.set(o + 3, Float.floatToIntBits(f * 2f) + Double.doubleToLongBits(-d));
        }
    }

    /** fp16 and bf16 arrays and conversions (round to nearest even). */
    public static void halfConversions(FloatArray in, HalfFloatArray half, BFloat16Array bf, FloatArray out) {
        for (@Parallel int i = 0; i < in.getSize(); i++) {
            float v = in.get(i);
            half.setFloat(i, v);
            bf.setFloat(i, v * 3);
            short h = Float16.fromFloat(v * 0.5f);
            short b = BFloat16.fromFloat(v - 1);
            out.set(4 * i, half.getFloat(i) + bf.getFloat(i));
            out.set(4 * i + 1, Float16.toFloat(h));
            out.set(4 * i + 2, BFloat16.toFloat(b) + Float.float16ToFloat(half.getBits(i)));
            out.set(4 * i + 3, Float.intBitsToFloat((bf.getBits(i) & 0xFFFF) << 16) + Float.float16ToFloat(Float.floatToFloat16(v)));
        }
    }
}
