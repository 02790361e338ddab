package ai.kimitornado.tasks.math;

/**
 * Math intrinsics for kernels, in float and double. Each maps to one device builtin (OpenCL {@code exp},
 * {@code rsqrt}, {@code fma}, ...); on the JVM they compute the same function (device results may differ by the
 * device's documented ulp error). {@code java.lang.Math}'s equivalents are intrinsics too.
 */
public final class TornadoMath {
    private TornadoMath() {
    }

    public static float exp(float x) { return (float) Math.exp(x); }
    public static double exp(double x) { return Math.exp(x); }
    public static float log(float x) { return (float) Math.log(x); }
    public static double log(double x) { return Math.log(x); }
    public static float sqrt(float x) { return (float) Math.sqrt(x); }
    public static double sqrt(double x) { return Math.sqrt(x); }
    /** 1 / sqrt(x). */
    public static float rsqrt(float x) { return (float) (1.0 / Math.sqrt(x)); }
    public static double rsqrt(double x) { return 1.0 / Math.sqrt(x); }
    public static float pow(float x, float y) { return (float) Math.pow(x, y); }
    public static double pow(double x, double y) { return Math.pow(x, y); }
    public static float tanh(float x) { return (float) Math.tanh(x); }
    public static double tanh(double x) { return Math.tanh(x); }
    public static float sin(float x) { return (float) Math.sin(x); }
    public static double sin(double x) { return Math.sin(x); }
    public static float cos(float x) { return (float) Math.cos(x); }
    public static double cos(double x) { return Math.cos(x); }
    public static float abs(float x) { return Math.abs(x); }
    public static double abs(double x) { return Math.abs(x); }
    public static int abs(int x) { return Math.abs(x); }
    public static long abs(long x) { return Math.abs(x); }
    /** Java semantics: NaN if either is NaN; -0.0 is less than +0.0. */
    public static float min(float a, float b) { return Math.min(a, b); }
    public static double min(double a, double b) { return Math.min(a, b); }
    public static int min(int a, int b) { return Math.min(a, b); }
    public static long min(long a, long b) { return Math.min(a, b); }
    /** Java semantics: NaN if either is NaN; +0.0 is greater than -0.0. */
    public static float max(float a, float b) { return Math.max(a, b); }
    public static double max(double a, double b) { return Math.max(a, b); }
    public static int max(int a, int b) { return Math.max(a, b); }
    public static long max(long a, long b) { return Math.max(a, b); }
    public static float floor(float x) { return (float) Math.floor(x); }
    public static double floor(double x) { return Math.floor(x); }
    public static float ceil(float x) { return (float) Math.ceil(x); }
    public static double ceil(double x) { return Math.ceil(x); }
    /** a * b + c with a single rounding. */
    public static float fma(float a, float b, float c) { return Math.fma(a, b, c); }
    public static double fma(double a, double b, double c) { return Math.fma(a, b, c); }
}
