package ai.kimitornado.tasks.emit.ptx;

import static ai.kimitornado.tasks.emit.ptx.PtxCode.f32;
import static ai.kimitornado.tasks.emit.ptx.PtxCode.f64;

import ai.kimitornado.tasks.emit.ptx.PtxRegisters.Kind;

/**
 * Instruction sequences for the math intrinsics that PTX has no exact instruction for. Accuracy of
 * each (against Java's {@code (float) Math.f(x)} / {@code Math.f(x)}) is in PTX.md. Constants are
 * derived from {@link Math} here rather than typed in.
 */
final class PtxMath {
    private static final double LN2 = Math.log(2.0);
    private static final float LN2_HI_F = (float) LN2;
    private static final float LN2_LO_F = (float) (LN2 - LN2_HI_F);
    /** The part of ln 2 that the double {@link #LN2} misses (digits of ln 2). */
    private static final double LN2_LO = new java.math.BigDecimal(
            "0.693147180559945309417232121458176568075500134360255254120680009")
            .subtract(new java.math.BigDecimal(LN2)).doubleValue();
    private static final double LOG2E = 1.0 / LN2;
    // π/2 as the sum of three doubles (Cody–Waite); the digits are those of π/2
    private static final java.math.BigDecimal HALF_PI = new java.math.BigDecimal(
            "1.57079632679489661923132169163975144209858469968755291048747229615390820314310449931401741267");
    private static final double PIO2_1 = HALF_PI.doubleValue();
    private static final double PIO2_2 = HALF_PI.subtract(new java.math.BigDecimal(PIO2_1)).doubleValue();
    private static final double PIO2_3 = HALF_PI.subtract(new java.math.BigDecimal(PIO2_1))
            .subtract(new java.math.BigDecimal(PIO2_2)).doubleValue();

    private final PtxCode c;

    PtxMath(PtxCode code) {
        this.c = code;
    }

    // ---- float ----------------------------------------------------------------------------------

    /**
     * exp(x) = 2^j · 2^(f·log2e), j = rint(x·log2e), f = x − j·ln2 (two-part ln2 with fma, exact for
     * |j| ≤ 150), 2^(f·log2e) by ex2.approx on [−0.5, 0.5], 2^j applied as two exact power-of-two
     * factors so results down to the subnormal range are right.
     */
    String expF32(String x) {
        String xc = c.op(Kind.F32, "max.f32", x, f32(-104f));
        xc = c.op(Kind.F32, "min.f32", xc, f32(89f));
        String t = c.op(Kind.F32, "mul.rn.f32", xc, f32((float) LOG2E));
        String jf = c.op(Kind.F32, "cvt.rni.f32.f32", t);
        String f = c.op(Kind.F32, "fma.rn.f32", jf, f32(-LN2_HI_F), xc);
        f = c.op(Kind.F32, "fma.rn.f32", jf, f32(-LN2_LO_F), f);
        String g = c.op(Kind.F32, "mul.rn.f32", f, f32((float) LOG2E));
        String e = c.op(Kind.F32, "ex2.approx.ftz.f32", g);
        String j = c.op(Kind.B32, "cvt.rzi.s32.f32", jf);
        String scaled = scaleByPowerOfTwoF32(e, j);
        return nanPassThroughF32(x, scaled);
    }

    /** v · 2^j for j in [−252, 254], as two normal power-of-two factors. */
    private String scaleByPowerOfTwoF32(String v, String j) {
        String j1 = c.op(Kind.B32, "shr.s32", j, "1");
        String j2 = c.op(Kind.B32, "sub.s32", j, j1);
        String s1 = c.op(Kind.F32, "mov.b32", c.op(Kind.B32, "shl.b32", c.op(Kind.B32, "add.s32", j1, "127"), "23"));
        String s2 = c.op(Kind.F32, "mov.b32", c.op(Kind.B32, "shl.b32", c.op(Kind.B32, "add.s32", j2, "127"), "23"));
        return c.op(Kind.F32, "mul.rn.f32", c.op(Kind.F32, "mul.rn.f32", v, s1), s2);
    }

    private String nanPassThroughF32(String x, String result) {
        String nan = c.op(Kind.PRED, "testp.notanumber.f32", x);
        return c.op(Kind.F32, "selp.f32", x, result, nan);
    }

    /**
     * log(x) = e·ln2 + 2·atanh(s), x = m·2^e with m in [√½, √2), s = (m−1)/(m+1), odd series to s¹³
     * (|s| ≤ 0.172). Subnormals are scaled by 2^24 first; 0, negatives, ∞ and NaN take lg2.approx's
     * exact special values (−∞, NaN, +∞, NaN).
     */
    String logF32(String x) {
        String sub = c.op(Kind.PRED, "setp.lt.f32", x, f32(Float.MIN_NORMAL));
        String xs = c.op(Kind.F32, "mul.rn.f32", x, f32(0x1p24f));
        xs = c.op(Kind.F32, "selp.f32", xs, x, sub);
        String bias = c.op(Kind.B32, "selp.s32", "151", "127", sub);
        String bits = c.op(Kind.B32, "mov.b32", xs);
        String e = c.op(Kind.B32, "sub.s32", c.op(Kind.B32, "bfe.u32", bits, "23", "8"), bias);
        String mbits = c.op(Kind.B32, "or.b32", c.op(Kind.B32, "and.b32", bits, "8388607"), "1065353216");
        String m = c.op(Kind.F32, "mov.b32", mbits);
        String big = c.op(Kind.PRED, "setp.gt.f32", m, f32((float) Math.sqrt(2.0)));
        m = c.op(Kind.F32, "selp.f32", c.op(Kind.F32, "mul.rn.f32", m, f32(0.5f)), m, big);
        e = c.op(Kind.B32, "add.s32", e, c.op(Kind.B32, "selp.s32", "1", "0", big));
        String s = c.op(Kind.F32, "div.rn.f32", c.op(Kind.F32, "sub.rn.f32", m, f32(1f)),
                c.op(Kind.F32, "add.rn.f32", m, f32(1f)));
        String z = c.op(Kind.F32, "mul.rn.f32", s, s);
        String p = f32(2f / 13f);
        for (int k = 11; k >= 1; k -= 2) {
            p = c.op(Kind.F32, "fma.rn.f32", z, p, f32(2f / k));
        }
        String poly = c.op(Kind.F32, "mul.rn.f32", s, p);
        String ef = c.op(Kind.F32, "cvt.rn.f32.s32", e);
        String r = c.op(Kind.F32, "fma.rn.f32", ef, f32(LN2_LO_F), poly);
        r = c.op(Kind.F32, "fma.rn.f32", ef, f32(LN2_HI_F), r);
        String normal = c.op(Kind.PRED, "setp.gt.f32", x, f32(0f));
        String finite = c.op(Kind.PRED, "setp.lt.f32", x, f32(Float.POSITIVE_INFINITY));
        String ok = c.op(Kind.PRED, "and.pred", normal, finite);
        String special = c.op(Kind.F32, "lg2.approx.f32", x);
        return c.op(Kind.F32, "selp.f32", r, special, ok);
    }

    /** (float) of the double computation: exactness of Java's reference up to one final rounding. */
    String viaF64(String x, java.util.function.UnaryOperator<String> f64Function) {
        String wide = c.op(Kind.F64, "cvt.f64.f32", x);
        return c.op(Kind.F32, "cvt.rn.f32.f64", f64Function.apply(wide));
    }

    /** 1/sqrt(x) exactly as Java's (float) (1.0 / Math.sqrt(x)): both steps correctly rounded in double. */
    String rsqrtF32(String x) {
        return viaF64(x, this::rsqrtF64);
    }

    /** tanh through the double version below, rounded once to float. */
    String tanhF32(String x) {
        return viaF64(x, this::tanhF64);
    }

    /** sin or cos through double: Cody–Waite reduction by π/2 (three parts, fma) and Taylor polynomials. */
    String sinCosF32(String x, boolean cosine) {
        return viaF64(x, d -> sinCosF64Reduced(d, cosine));
    }

    /**
     * sin/cos in double: Cody–Waite reduction by π/2 (three 53-bit parts with fma: absolute error about
     * 2^-53 for |x| < 2^48, meaningless beyond), Taylor polynomials to r¹⁵ / r¹⁶ on |r| ≤ π/4.
     */
    String sinCosF64(String x, boolean cosine) {
        return sinCosF64Reduced(x, cosine);
    }

    private String sinCosF64Reduced(String x, boolean cosine) {
        String k = c.op(Kind.F64, "cvt.rni.f64.f64", c.op(Kind.F64, "mul.rn.f64", x, f64(2.0 / Math.PI)));
        String r = c.op(Kind.F64, "fma.rn.f64", k, f64(-PIO2_1), x);
        r = c.op(Kind.F64, "fma.rn.f64", k, f64(-PIO2_2), r);
        r = c.op(Kind.F64, "fma.rn.f64", k, f64(-PIO2_3), r);
        // quadrant = k mod 4 (k is exact: |k| < 2^53 for every float x below 2^52)
        String q = c.op(Kind.B32, "cvt.u32.u64", c.op(Kind.B64, "cvt.rzi.s64.f64", k));
        if (cosine) {
            q = c.op(Kind.B32, "add.s32", q, "1");
        }
        String z = c.op(Kind.F64, "mul.rn.f64", r, r);
        // sin r = r·(1 − z/3! + z²/5! − … − z⁷/15!)
        String ps = f64(-1.0 / factorial(15));
        for (int n = 13; n >= 3; n -= 2) {
            ps = c.op(Kind.F64, "fma.rn.f64", z, ps, f64(((n - 1) / 2 % 2 == 0 ? 1.0 : -1.0) / factorial(n)));
        }
        String sin = c.op(Kind.F64, "fma.rn.f64", c.op(Kind.F64, "mul.rn.f64", z, r), ps, r);
        // cos r = 1 − z/2! + z²/4! − … + z⁸/16!
        String pc = f64(1.0 / factorial(16));
        for (int n = 14; n >= 2; n -= 2) {
            pc = c.op(Kind.F64, "fma.rn.f64", z, pc, f64((n / 2 % 2 == 0 ? 1.0 : -1.0) / factorial(n)));
        }
        String cos = c.op(Kind.F64, "fma.rn.f64", z, pc, f64(1.0));
        String odd = c.op(Kind.PRED, "setp.ne.u32", c.op(Kind.B32, "and.b32", q, "1"), "0");
        String v = c.op(Kind.F64, "selp.f64", cos, sin, odd);
        String flip = c.op(Kind.PRED, "setp.ne.u32", c.op(Kind.B32, "and.b32", q, "2"), "0");
        return c.op(Kind.F64, "selp.f64", c.op(Kind.F64, "neg.f64", v), v, flip);
    }

    /** Java's Math.pow on floats, computed as exp(y·log|x|) in double plus Java's special cases. */
    String powF32(String x, String y) {
        String xd = c.op(Kind.F64, "cvt.f64.f32", x);
        String yd = c.op(Kind.F64, "cvt.f64.f32", y);
        return c.op(Kind.F32, "cvt.rn.f32.f64", powF64Core(xd, yd, 0x1p24));
    }

    // ---- double ---------------------------------------------------------------------------------

    /** 1/sqrt(x) as Java's 1.0 / Math.sqrt(x): two correctly rounded operations. */
    String rsqrtF64(String x) {
        return c.op(Kind.F64, "div.rn.f64", f64(1.0), c.op(Kind.F64, "sqrt.rn.f64", x));
    }

    /**
     * exp(x) = 2^k · e^r, k = rint(x·log2e), r = x − k·ln2 (two-part ln2 with fma), e^r by its Taylor
     * series to r¹³ (|r| ≤ 0.347: truncation below 2^-58), 2^k as two normal power-of-two factors.
     */
    String expF64(String x) {
        String xc = c.op(Kind.F64, "max.f64", x, f64(-746.0));
        xc = c.op(Kind.F64, "min.f64", xc, f64(710.0));
        String k = c.op(Kind.F64, "cvt.rni.f64.f64", c.op(Kind.F64, "mul.rn.f64", xc, f64(LOG2E)));
        String r = c.op(Kind.F64, "fma.rn.f64", k, f64(-LN2), xc);
        r = c.op(Kind.F64, "fma.rn.f64", k, f64(-LN2_LO), r);
        String p = f64(1.0 / factorial(13));
        for (int n = 12; n >= 0; n--) {
            p = c.op(Kind.F64, "fma.rn.f64", r, p, f64(1.0 / factorial(n)));
        }
        String ki = c.op(Kind.B32, "cvt.rzi.s32.f64", k);
        String k1 = c.op(Kind.B32, "shr.s32", ki, "1");
        String k2 = c.op(Kind.B32, "sub.s32", ki, k1);
        String s1 = c.op(Kind.F64, "mov.b64", powerOfTwoBits64(k1));
        String s2 = c.op(Kind.F64, "mov.b64", powerOfTwoBits64(k2));
        String v = c.op(Kind.F64, "mul.rn.f64", c.op(Kind.F64, "mul.rn.f64", p, s1), s2);
        String nan = c.op(Kind.PRED, "testp.notanumber.f64", x);
        return c.op(Kind.F64, "selp.f64", x, v, nan);
    }

    private String powerOfTwoBits64(String exponent) {
        String biased = c.op(Kind.B32, "add.s32", exponent, "1023");
        return c.op(Kind.B64, "shl.b64", c.op(Kind.B64, "cvt.u64.u32", biased), "52");
    }

    /**
     * log(x) = e·ln2 + 2·atanh(s) as for float, series to s²³ (|s| ≤ 0.172: truncation below 2^-60);
     * subnormals scaled by 2^54; log(±0) = −∞, log(+∞) = +∞, negatives and NaN give NaN.
     */
    String logF64(String x) {
        String sub = c.op(Kind.PRED, "setp.lt.f64", x, f64(Double.MIN_NORMAL));
        String xs = c.op(Kind.F64, "selp.f64", c.op(Kind.F64, "mul.rn.f64", x, f64(0x1p54)), x, sub);
        String bias = c.op(Kind.B32, "selp.s32", "1077", "1023", sub);
        String bits = c.op(Kind.B64, "mov.b64", xs);
        String exp = c.op(Kind.B32, "cvt.u32.u64", c.op(Kind.B64, "shr.u64", bits, "52"));
        String e = c.op(Kind.B32, "sub.s32", c.op(Kind.B32, "and.b32", exp, "2047"), bias);
        String mbits = c.op(Kind.B64, "or.b64", c.op(Kind.B64, "and.b64", bits, "4503599627370495"),
                "4607182418800017408");
        String m = c.op(Kind.F64, "mov.b64", mbits);
        String big = c.op(Kind.PRED, "setp.gt.f64", m, f64(Math.sqrt(2.0)));
        m = c.op(Kind.F64, "selp.f64", c.op(Kind.F64, "mul.rn.f64", m, f64(0.5)), m, big);
        e = c.op(Kind.B32, "add.s32", e, c.op(Kind.B32, "selp.s32", "1", "0", big));
        String s = c.op(Kind.F64, "div.rn.f64", c.op(Kind.F64, "sub.rn.f64", m, f64(1.0)),
                c.op(Kind.F64, "add.rn.f64", m, f64(1.0)));
        String z = c.op(Kind.F64, "mul.rn.f64", s, s);
        String p = f64(2.0 / 23.0);
        for (int k = 21; k >= 1; k -= 2) {
            p = c.op(Kind.F64, "fma.rn.f64", z, p, f64(2.0 / k));
        }
        String poly = c.op(Kind.F64, "mul.rn.f64", s, p);
        String ed = c.op(Kind.F64, "cvt.rn.f64.s32", e);
        String r = c.op(Kind.F64, "fma.rn.f64", ed, f64(LN2_LO), poly);
        r = c.op(Kind.F64, "fma.rn.f64", ed, f64(LN2), r);
        // special values: +0/−0 → −∞, +∞ → +∞, negative or NaN → NaN
        String positive = c.op(Kind.PRED, "setp.gt.f64", x, f64(0.0));
        String finite = c.op(Kind.PRED, "setp.lt.f64", x, f64(Double.POSITIVE_INFINITY));
        String zero = c.op(Kind.PRED, "setp.eq.f64", x, f64(0.0));
        String inf = c.op(Kind.PRED, "setp.eq.f64", x, f64(Double.POSITIVE_INFINITY));
        String special = c.op(Kind.F64, "selp.f64", f64(Double.POSITIVE_INFINITY), f64(Double.NaN), inf);
        special = c.op(Kind.F64, "selp.f64", f64(Double.NEGATIVE_INFINITY), special, zero);
        String ok = c.op(Kind.PRED, "and.pred", positive, finite);
        return c.op(Kind.F64, "selp.f64", r, special, ok);
    }

    /**
     * Java's pow special cases around exp(y·log|x|) (computed in double): y = ±0 → 1, y = 1 → x,
     * negative x with odd integer y → negated, finite negative x with non-integer finite y → NaN.
     * {@code oddLimit}: above it every representable y of the source type is even (2^24 for float).
     */
    private String powF64Core(String x, String y, double oddLimit) {
        String ax = c.op(Kind.F64, "abs.f64", x);
        String r = expF64(c.op(Kind.F64, "mul.rn.f64", y, logF64(ax)));
        String yInt = c.op(Kind.PRED, "setp.eq.f64", c.op(Kind.F64, "cvt.rzi.f64.f64", y), y);
        String ay = c.op(Kind.F64, "abs.f64", y);
        String yBelow = c.op(Kind.PRED, "setp.lt.f64", ay, f64(oddLimit));
        String yLow = c.op(Kind.B64, "cvt.rzi.s64.f64", c.op(Kind.F64, "selp.f64", y, f64(0.0), yBelow));
        String yOddBit = c.op(Kind.PRED, "setp.ne.s64", c.op(Kind.B64, "and.b64", yLow, "1"), "0");
        String yOdd = c.op(Kind.PRED, "and.pred", c.op(Kind.PRED, "and.pred", yOddBit, yBelow), yInt); // 1.5 is not odd
        String xNegSign = c.op(Kind.PRED, "setp.lt.s64", c.op(Kind.B64, "mov.b64", x), "0");
        String negate = c.op(Kind.PRED, "and.pred", xNegSign, yOdd);
        r = c.op(Kind.F64, "selp.f64", c.op(Kind.F64, "neg.f64", r), r, negate);
        String xNegFinite = c.op(Kind.PRED, "and.pred", c.op(Kind.PRED, "setp.lt.f64", x, f64(0.0)),
                c.op(Kind.PRED, "setp.gt.f64", x, f64(Double.NEGATIVE_INFINITY)));
        String yFinite = c.op(Kind.PRED, "setp.lt.f64", ay, f64(Double.POSITIVE_INFINITY));
        String yFrac = c.op(Kind.PRED, "and.pred", c.op(Kind.PRED, "not.pred", yInt), yFinite);
        String nan = c.op(Kind.PRED, "and.pred", xNegFinite, yFrac);
        r = c.op(Kind.F64, "selp.f64", f64(Double.NaN), r, nan);
        r = c.op(Kind.F64, "selp.f64", x, r, c.op(Kind.PRED, "setp.eq.f64", y, f64(1.0)));
        return c.op(Kind.F64, "selp.f64", f64(1.0), r, c.op(Kind.PRED, "setp.eq.f64", y, f64(0.0)));
    }

    /**
     * tanh in double. |x| < 0.17: t = e^{2|x|} − 1 from the Taylor series without its leading 1 (no
     * cancellation), tanh = t / (t + 2); otherwise 1 − 2 / (e^{2|x|} + 1); sign restored; ±∞ → ±1.
     */
    String tanhF64(String x) {
        String ax = c.op(Kind.F64, "abs.f64", x);
        String u = c.op(Kind.F64, "add.rn.f64", ax, ax);
        String p = f64(1.0 / factorial(14));
        for (int n = 13; n >= 1; n--) {
            p = c.op(Kind.F64, "fma.rn.f64", u, p, f64(1.0 / factorial(n)));
        }
        String t = c.op(Kind.F64, "mul.rn.f64", u, p); // e^u − 1 for u < 0.34
        String small = c.op(Kind.F64, "div.rn.f64", t, c.op(Kind.F64, "add.rn.f64", t, f64(2.0)));
        String e = expF64(u);
        String big = c.op(Kind.F64, "sub.rn.f64", f64(1.0),
                c.op(Kind.F64, "div.rn.f64", f64(2.0), c.op(Kind.F64, "add.rn.f64", e, f64(1.0))));
        String isSmall = c.op(Kind.PRED, "setp.lt.f64", ax, f64(0.17));
        String r = c.op(Kind.F64, "selp.f64", small, big, isSmall);
        String negative = c.op(Kind.PRED, "setp.lt.s64", c.op(Kind.B64, "mov.b64", x), "0");
        return c.op(Kind.F64, "selp.f64", c.op(Kind.F64, "neg.f64", r), r, negative);
    }

    /**
     * Java's Math.pow in double as exp(y·log|x|) with Java's special cases. The product's rounding makes
     * the relative error about |y·ln x|·2^-53 on top of exp's (≈ 10^-13 near the overflow threshold).
     */
    String powF64(String x, String y) {
        return powF64Core(x, y, 0x1p53);
    }

    // ---- Java min/max ---------------------------------------------------------------------------

    /** Java's Math.min/max on floats: NaN if either is NaN; −0.0 < +0.0. */
    String minMax(String a, String b, boolean isDouble, boolean max) {
        Kind fk = isDouble ? Kind.F64 : Kind.F32;
        Kind bk = isDouble ? Kind.B64 : Kind.B32;
        String t = isDouble ? "f64" : "f32";
        String bits = isDouble ? "b64" : "b32";
        String plain = c.op(fk, (max ? "max." : "min.") + t, a, b);
        // equal operands: only ±0 can differ; OR of the bits keeps −0 (min), AND keeps +0 (max)
        String merged = c.op(bk, (max ? "and." : "or.") + bits, c.op(bk, "mov." + bits, a), c.op(bk, "mov." + bits, b));
        String equal = c.op(Kind.PRED, "setp.eq." + t, a, b);
        String r = c.op(fk, "selp." + t, c.op(fk, "mov." + bits, merged), plain, equal);
        String unordered = c.op(Kind.PRED, "setp.nan." + t, a, b);
        return c.op(fk, "selp." + t, isDouble ? f64(Double.NaN) : f32(Float.NaN), r, unordered);
    }

    private static double factorial(int n) {
        double f = 1;
        for (int i = 2; i <= n; i++) {
            f *= i;
        }
        return f;
    }
}
