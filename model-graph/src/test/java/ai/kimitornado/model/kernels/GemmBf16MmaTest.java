package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tensor-core GEMM ({@link GemmBf16Mma}) against a float64 product of the same bf16 weights and fp32 inputs,
 * against the SIMT reference kernel {@link GemmBf16Tiled} on the same device, and its split-K form: partial row,
 * token and column tiles, a slice of a packed weight buffer, accumulate on and off, rows past the chunk's valid
 * tokens left alone. The error bound is relative to Σ_k |x_k·w_k| (2·10⁻⁵ of it): with the bf16 hi + lo split of the
 * activations the error is fp32-like (~2⁻¹⁷ per product); bf16 activations alone (2⁻⁹) would exceed it.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class GemmBf16MmaTest {
    /** Bound on |y − y_exact| / Σ_k |x_k·w_k| per output. */
    static final double RELATIVE_TO_ABS_SUM = 2e-5;

    @Parameter
    String device;

    static long[] global(int rows, int capacity, int splits) {
        return dims(roundUp(rows, GemmBf16Mma.TILE_ROWS) / GemmBf16Mma.TILE_ROWS * splits * GemmBf16Mma.THREADS,
                roundUp(capacity, GemmBf16Mma.TILE_TOKENS) / GemmBf16Mma.TILE_TOKENS);
    }

    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3} accumulate {4}")
    @CsvSource({"300, 200, 70, 80, 1", "128, 64, 64, 64, 0", "37, 520, 5, 16, 0", "129, 36, 130, 192, 0",
            "1, 4, 1, 1, 0", "200, 44, 128, 128, 1"})
    void matchesFloat64Product(int rows, int cols, int count, int capacity, int accumulate) {
        TestData data = new TestData(device + " gemm-mma " + rows + "x" + cols + "x" + count);
        int offset = 4 * cols + 8; // a slice of a larger packed buffer, not tile-aligned (8-byte aligned: getBits4)
        BFloat16Array w = data.bf16(offset + rows * cols + 12, 0.5f);
        float[] x = data.uniform(capacity * cols, 1f);
        float[] prior = data.uniform(capacity * rows, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(capacity * rows);
        KernelDevices.launch(device, GemmBf16Mma.class, "gemm", global(rows, capacity, 1), dims(GemmBf16Mma.THREADS, 1),
                new KernelContext(), w, offset, FloatArray.fromArray(x), y, meta(0, count), rows, cols, accumulate);
        double worst = checkAgainstFloat64("gemm-mma", w, offset, x, accumulate == 1 ? prior : null, y, rows, cols, count);
        System.out.printf("  gemm-mma %dx%dx%d: max |Δ| / Σ|x·w| %.3g (bound %.1g)%n", rows, cols, count, worst,
                RELATIVE_TO_ABS_SUM);
        if (accumulate == 1) {
            for (int i = count * rows; i < capacity * rows; i++) {
                assertEquals(prior[i], y.get(i), "gemm-mma: element " + i + " past the valid tokens changed");
            }
        } else {
            assertAllNaN("gemm-mma", y, count * rows, capacity * rows);
        }
    }

    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3}")
    @CsvSource({"300, 520, 50, 64", "136, 96, 130, 144"})
    void matchesSimtReferenceKernel(int rows, int cols, int count, int capacity) {
        TestData data = new TestData(device + " gemm-mma vs GemmBf16Tiled " + rows + "x" + cols + "x" + count);
        BFloat16Array w = data.bf16(rows * cols, 0.5f);
        FloatArray x = FloatArray.fromArray(data.uniform(capacity * cols, 1f));
        FloatArray fast = poisoned(capacity * rows);
        FloatArray reference = poisoned(capacity * rows);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", GemmBf16TiledTest.global(rows, capacity),
                dims(GemmBf16Tiled.THREADS, 1), new KernelContext(), w, 0, x, reference, meta(0, count), rows, cols, 0);
        KernelDevices.launch(device, GemmBf16Mma.class, "gemm", global(rows, capacity, 1), dims(GemmBf16Mma.THREADS, 1),
                new KernelContext(), w, 0, x, fast, meta(0, count), rows, cols, 0);
        float[] expected = new float[count * rows];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = reference.get(i);
        }
        double err = assertClose("gemm-mma vs GemmBf16Tiled", expected, 0, fast, 0, count * rows, 1e-4, 1e-4);
        System.out.println("  gemm-mma vs GemmBf16Tiled " + rows + "x" + cols + "x" + count + ": max |Δ| " + err);
        assertAllNaN("gemm-mma", fast, count * rows, capacity * rows);
    }

    /** Split-K: column slices (the last one partial) written as partials, then summed in order by GemmSplitKSum. */
    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3} slice {4} accumulate {5}")
    @CsvSource({"256, 400, 70, 128, 96, 1", "130, 200, 5, 16, 64, 0", "37, 100, 64, 64, 48, 1"})
    void splitKMatchesFloat64Product(int rows, int cols, int count, int capacity, int kSlice, int accumulate) {
        TestData data = new TestData(device + " gemm-mma splitk " + rows + "x" + cols + "x" + count + "/" + kSlice);
        int offset = 2 * cols + 4;
        BFloat16Array w = data.bf16(offset + rows * cols + 4, 0.5f);
        float[] x = data.uniform(capacity * cols, 1f);
        float[] prior = data.uniform(capacity * rows, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(capacity * rows);
        int splits = (cols + kSlice - 1) / kSlice;
        int sliceStride = capacity * rows;
        FloatArray partial = poisoned(splits * sliceStride);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, GemmBf16Mma.class, "gemmSplitK", global(rows, capacity, splits),
                dims(GemmBf16Mma.THREADS, 1), new KernelContext(), w, offset, FloatArray.fromArray(x), partial, meta,
                rows, cols, kSlice, sliceStride);
        KernelDevices.launch(device, GemmSplitKSum.class, "apply", dims(roundUp(sliceStride, 64)), dims(64),
                new KernelContext(), partial, y, meta, rows, splits, sliceStride, accumulate);
        double worst = checkAgainstFloat64("gemm-mma splitk", w, offset, x, accumulate == 1 ? prior : null, y, rows, cols,
                count);
        System.out.printf("  gemm-mma splitk %dx%dx%d slices of %d: max |Δ| / Σ|x·w| %.3g%n", rows, cols, count, kSlice,
                worst);
        if (accumulate == 1) {
            for (int i = count * rows; i < capacity * rows; i++) {
                assertEquals(prior[i], y.get(i), "gemm-mma splitk: element " + i + " past the valid tokens changed");
            }
        } else {
            assertAllNaN("gemm-mma splitk", y, count * rows, capacity * rows);
        }
    }

    /**
     * y against Σ_k x·w in float64 (+ prior): |Δ| ≤ {@value #RELATIVE_TO_ABS_SUM}·Σ|x·w| + 1e-6 per output (and the
     * usual 1e-4 absolute/relative check). Returns the worst |Δ| / Σ|x·w|.
     */
    static double checkAgainstFloat64(String what, BFloat16Array w, int offset, float[] x, float[] prior, FloatArray y,
                                      int rows, int cols, int count) {
        double worst = 0;
        for (int t = 0; t < count; t++) {
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                double abs = 0;
                for (int k = 0; k < cols; k++) {
                    double p = (double) x[t * cols + k] * w.getFloat(offset + r * cols + k);
                    sum += p;
                    abs += Math.abs(p);
                }
                double exact = sum + (prior == null ? 0 : prior[t * rows + r]);
                double got = y.get(t * rows + r);
                double err = Math.abs(got - exact);
                assertTrue(err <= RELATIVE_TO_ABS_SUM * abs + 1e-6 && err <= 1e-4 + 1e-4 * Math.abs(exact),
                        what + ": token " + t + " row " + r + " expected " + exact + " got " + got + " (|Δ| " + err
                                + ", Σ|x·w| " + abs + ")");
                worst = Math.max(worst, abs > 0 ? err / abs : 0);
            }
        }
        return worst;
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    /** The hi/lo split itself (host side): hi + lo reproduces x to 2⁻¹⁶ relative, hi is x rounded to nearest even. */
    @Test
    void hiLoSplitCarriesSixteenMoreBits() {
        TestData data = new TestData("hi/lo split");
        for (int i = 0; i < 10_000; i++) {
            float a = (data.random.nextFloat() * 2 - 1) * (float) Math.pow(2, data.random.nextInt(40) - 20);
            float b = (data.random.nextFloat() * 2 - 1) * 3f;
            int hi = GemmBf16Mma.hiPair(a, b);
            int lo = GemmBf16Mma.loPair(a, b);
            float ahi = Float.intBitsToFloat(hi << 16);
            float bhi = Float.intBitsToFloat(hi & 0xFFFF0000);
            assertEquals(ai.kimitornado.tasks.types.BFloat16.fromFloat(a), (short) hi, "hi of " + a + " is bf16 RNE");
            assertEquals(ai.kimitornado.tasks.types.BFloat16.fromFloat(b), (short) (hi >>> 16), "hi of " + b);
            double ra = (double) ahi + Float.intBitsToFloat(lo << 16);
            double rb = (double) bhi + Float.intBitsToFloat(lo & 0xFFFF0000);
            assertTrue(Math.abs(ra - a) <= Math.abs(a) * 0x1p-16, "hi + lo of " + a + " = " + ra);
            assertTrue(Math.abs(rb - b) <= Math.abs(b) * 0x1p-16, "hi + lo of " + b + " = " + rb);
        }
    }
}
