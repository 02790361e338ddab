package ai.kimitornado.tasks.emit.ptx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The algorithms of {@link PtxMath}, step for step in Java (fma as Math.fma, ex2.approx as the correctly
 * rounded 2^g, the same constants), checked against java.lang.Math on random inputs. No GPU here: this
 * catches a wrong constant, quadrant or scaling before the H200 run measures the real instructions.
 */
class PtxMathMirrorTest {
    private static final double LN2 = Math.log(2.0);
    private static final double LN2_LO = new java.math.BigDecimal(
            "0.693147180559945309417232121458176568075500134360255254120680009").subtract(new java.math.BigDecimal(LN2)).doubleValue();
    private static final java.math.BigDecimal HALF_PI = new java.math.BigDecimal(
            "1.57079632679489661923132169163975144209858469968755291048747229615390820314310449931401741267");
    private static final double P1 = HALF_PI.doubleValue();
    private static final double P2 = HALF_PI.subtract(new java.math.BigDecimal(P1)).doubleValue();
    private static final double P3 = HALF_PI.subtract(new java.math.BigDecimal(P1)).subtract(new java.math.BigDecimal(P2)).doubleValue();

    static double fact(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }

    static float expF32(float x) {
        float xc = Math.min(Math.max(x, -104f), 89f);
        float jf = (float) Math.rint(xc * (float) (1 / LN2));
        float hi = (float) LN2;
        float lo = (float) (LN2 - hi);
        float f = Math.fma(jf, -hi, xc);
        f = Math.fma(jf, -lo, f);
        float g = f * (float) (1 / LN2);
        float e = (float) Math.pow(2, g);
        int j = (int) jf;
        int j1 = j >> 1;
        int j2 = j - j1;
        float r = e * Float.intBitsToFloat((j1 + 127) << 23) * Float.intBitsToFloat((j2 + 127) << 23);
        return Float.isNaN(x) ? x : r;
    }

    static float logF32(float x) {
        boolean sub = x < Float.MIN_NORMAL;
        float xs = sub ? x * 0x1p24f : x;
        int bits = Float.floatToRawIntBits(xs);
        int e = ((bits >>> 23) & 0xff) - (sub ? 151 : 127);
        float m = Float.intBitsToFloat((bits & 0x7fffff) | 0x3f800000);
        if (m > (float) Math.sqrt(2.0)) {
            m *= 0.5f;
            e++;
        }
        float s = (m - 1f) / (m + 1f);
        float z = s * s;
        float p = 2f / 13f;
        for (int k = 11; k >= 1; k -= 2) {
            p = Math.fma(z, p, 2f / k);
        }
        float poly = s * p;
        float hi = (float) LN2;
        float lo = (float) (LN2 - hi);
        float r = Math.fma((float) e, hi, Math.fma((float) e, lo, poly));
        return x > 0 && x < Float.POSITIVE_INFINITY ? r : (float) Math.log(x);
    }

    static double expF64(double x) {
        double xc = Math.min(Math.max(x, -746), 710);
        double k = Math.rint(xc * (1 / LN2));
        double r = Math.fma(k, -LN2, xc);
        r = Math.fma(k, -LN2_LO, r);
        double p = 1 / fact(13);
        for (int n = 12; n >= 0; n--) {
            p = Math.fma(r, p, 1 / fact(n));
        }
        int ki = (int) k;
        int k1 = ki >> 1;
        int k2 = ki - k1;
        double v = p * Double.longBitsToDouble((long) (k1 + 1023) << 52) * Double.longBitsToDouble((long) (k2 + 1023) << 52);
        return Double.isNaN(x) ? x : v;
    }

    static double logF64(double x) {
        boolean sub = x < Double.MIN_NORMAL;
        double xs = sub ? x * 0x1p54 : x;
        long bits = Double.doubleToRawLongBits(xs);
        int e = (int) ((bits >>> 52) & 2047) - (sub ? 1077 : 1023);
        double m = Double.longBitsToDouble((bits & 0xFFFFFFFFFFFFFL) | 0x3FF0000000000000L);
        if (m > Math.sqrt(2.0)) {
            m *= 0.5;
            e++;
        }
        double s = (m - 1) / (m + 1);
        double z = s * s;
        double p = 2.0 / 23;
        for (int k = 21; k >= 1; k -= 2) {
            p = Math.fma(z, p, 2.0 / k);
        }
        double r = Math.fma(e, LN2, Math.fma(e, LN2_LO, s * p));
        if (x > 0 && x < Double.POSITIVE_INFINITY) {
            return r;
        }
        return x == 0 ? Double.NEGATIVE_INFINITY : x == Double.POSITIVE_INFINITY ? x : Double.NaN;
    }

    static double sinCosF64(double x, boolean cosine) {
        double k = Math.rint(x * (2 / Math.PI));
        double r = Math.fma(k, -P1, x);
        r = Math.fma(k, -P2, r);
        r = Math.fma(k, -P3, r);
        int q = (int) (long) k + (cosine ? 1 : 0);
        double z = r * r;
        double ps = -1 / fact(15);
        for (int n = 13; n >= 3; n -= 2) {
            ps = Math.fma(z, ps, ((n - 1) / 2 % 2 == 0 ? 1.0 : -1.0) / fact(n));
        }
        double sin = Math.fma(z * r, ps, r);
        double pc = 1 / fact(16);
        for (int n = 14; n >= 2; n -= 2) {
            pc = Math.fma(z, pc, (n / 2 % 2 == 0 ? 1.0 : -1.0) / fact(n));
        }
        double cos = Math.fma(z, pc, 1);
        double v = (q & 1) != 0 ? cos : sin;
        return (q & 2) != 0 ? -v : v;
    }

    static double tanhF64(double x) {
        double ax = Math.abs(x);
        double u = ax + ax;
        double p = 1 / fact(14);
        for (int n = 13; n >= 1; n--) {
            p = Math.fma(u, p, 1 / fact(n));
        }
        double t = u * p;
        double r = ax < 0.17 ? t / (t + 2) : 1 - 2 / (expF64(u) + 1);
        return Double.doubleToRawLongBits(x) < 0 ? -r : r;
    }

    static double powF64(double x, double y, double oddLimit) {
        double r = expF64(y * logF64(Math.abs(x)));
        boolean yInt = Math.floor(Math.abs(y)) == Math.abs(y); // cvt.rzi(y) == y
        double ay = Math.abs(y);
        boolean below = ay < oddLimit;
        boolean odd = below && yInt && (((long) (below ? y : 0)) & 1) != 0;
        if (Double.doubleToRawLongBits(x) < 0 && odd) {
            r = -r;
        }
        if (x < 0 && x > Double.NEGATIVE_INFINITY && !yInt && ay < Double.POSITIVE_INFINITY) {
            r = Double.NaN;
        }
        if (y == 1) {
            r = x;
        }
        return y == 0 ? 1 : r;
    }

    static long ulps(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        long x = Float.floatToRawIntBits(a);
        long y = Float.floatToRawIntBits(b);
        x = x < 0 ? Integer.MIN_VALUE - x : x;
        y = y < 0 ? Integer.MIN_VALUE - y : y;
        return Math.abs(x - y);
    }

    static long ulps(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        long x = Double.doubleToRawLongBits(a);
        long y = Double.doubleToRawLongBits(b);
        x = x < 0 ? Long.MIN_VALUE - x : x;
        y = y < 0 ? Long.MIN_VALUE - y : y;
        return Math.abs(x - y);
    }

    interface F { double at(double x); }

    static long worstF32(java.util.function.DoubleUnaryOperator mirror, java.util.function.DoubleUnaryOperator java,
                         double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long worst = 0;
        float[] specials = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.NaN};
        for (int i = 0; i < 200_000 + specials.length; i++) {
            float x = i < specials.length ? specials[i] : (float) (lo + (hi - lo) * r.nextDouble());
            if (i < specials.length && Math.abs(x) > Math.max(Math.abs(lo), Math.abs(hi)) && Float.isFinite(x)) {
                continue; // outside the documented range of this function (sin/cos: |x| < 2^48)
            }
            float m = (float) mirror.applyAsDouble(x);
            float j = (float) java.applyAsDouble(x);
            long u = ulps(j, m);
            assertTrue(u < 1000 || i >= specials.length, "special " + x + ": mirror " + m + " java " + j);
            worst = Math.max(worst, u);
        }
        return worst;
    }

    static long worstF64(java.util.function.DoubleUnaryOperator mirror, java.util.function.DoubleUnaryOperator java,
                         double lo, double hi, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        long worst = 0;
        double[] specials = {0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0, Double.MAX_VALUE,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};
        for (int i = 0; i < 200_000 + specials.length; i++) {
            double x = i < specials.length ? specials[i] : lo + (hi - lo) * r.nextDouble();
            if (i < specials.length && Math.abs(x) > Math.max(Math.abs(lo), Math.abs(hi)) && Double.isFinite(x)) {
                continue;
            }
            double m = mirror.applyAsDouble(x);
            double j = java.applyAsDouble(x);
            long u = ulps(j, m);
            assertTrue(u < 1000 || i >= specials.length || Math.abs(j) < 1e-300, "special " + x + ": mirror " + m + " java " + j);
            worst = Math.max(worst, u);
        }
        return worst;
    }

    @Test
    void algorithmsMatchJavaWithinTheirDocumentedUlps() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        long exp = worstF32(x -> expF32((float) x), Math::exp, -104, 89, seed);
        long log = worstF32(x -> logF32((float) x), Math::log, 0, 1e30, seed);
        long logNear1 = worstF32(x -> logF32((float) x), Math::log, 0.5, 2, seed);
        long sin = worstF32(x -> (float) sinCosF64((float) x, false), Math::sin, -1e6, 1e6, seed);
        long cos = worstF32(x -> (float) sinCosF64((float) x, true), Math::cos, -20, 20, seed);
        long tanh = worstF32(x -> (float) tanhF64((float) x), Math::tanh, -10, 10, seed);
        long pow = worstF32(x -> (float) powF64((float) x, 2.5f - (float) x / 8f, 0x1p24),
                x -> Math.pow((float) x, 2.5f - (float) x / 8f), -20, 20, seed);
        long expD = worstF64(PtxMathMirrorTest::expF64, Math::exp, -745, 709, seed);
        long logD = worstF64(PtxMathMirrorTest::logF64, Math::log, 0, 1e300, seed);
        long logDNear1 = worstF64(PtxMathMirrorTest::logF64, Math::log, 0.5, 2, seed);
        long tanhD = worstF64(PtxMathMirrorTest::tanhF64, Math::tanh, -3, 3, seed);
        long sinD = worstF64(x -> sinCosF64(x, false), Math::sin, -0.7, 0.7, seed);
        long cosD = worstF64(x -> sinCosF64(x, true), Math::cos, -3, 3, seed);
        long powD = worstF64(x -> powF64(x, 1.5, 0x1p53), x -> Math.pow(x, 1.5), 0, 4, seed);
        System.out.printf("mirror max ulp: expf %d logf %d (near 1: %d) sinf %d cosf %d tanhf %d powf %d | exp %d log %d (near 1: %d)"
                + " tanh %d sin %d cos %d pow %d%n", exp, log, logNear1, sin, cos, tanh, pow, expD, logD, logDNear1, tanhD, sinD, cosD, powD);
        // the bounds PTX.md documents for the algorithms (the GPU adds ex2.approx's own error to expf)
        assertTrue(exp <= 2 && log <= 4 && logNear1 <= 4, "float exp/log");
        assertTrue(sin <= 1 && cos <= 1 && tanh <= 1 && pow <= 1, "float sin/cos/tanh/pow through double");
        assertTrue(expD <= 2 && logD <= 4 && logDNear1 <= 4 && tanhD <= 8 && sinD <= 2 && cosD <= 2 && powD <= 40, "double");
    }
}
