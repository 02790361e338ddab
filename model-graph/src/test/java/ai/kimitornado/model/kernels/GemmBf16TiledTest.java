package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.model.reference.Matrix;
import ai.kimitornado.model.reference.SwiGluMlp;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The register-blocked GEMM against the reference ops ({@link Matrix#matVec}) and against the reference kernel
 * {@link GemmBf16} on the same device: partial row/column/token tiles, a slice of a packed weight buffer,
 * accumulate on and off, rows past the chunk's valid tokens left alone.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class GemmBf16TiledTest {
    @Parameter
    String device;

    static long[] global(int rows, int capacity) {
        return dims(roundUp(rows, GemmBf16Tiled.TILE_ROWS) / GemmBf16Tiled.TILE_ROWS * GemmBf16Tiled.THREADS,
                roundUp(capacity, GemmBf16Tiled.TILE_TOKENS) / GemmBf16Tiled.TILE_TOKENS);
    }

    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3} accumulate {4}")
    @CsvSource({"300, 200, 70, 80, 1", "128, 64, 64, 64, 0", "37, 2304, 5, 16, 0", "576, 520, 130, 192, 1",
            "4096, 128, 64, 64, 0", "1, 1, 1, 1, 0", "129, 17, 65, 130, 0"})
    void matchesReferenceOps(int rows, int cols, int count, int capacity, int accumulate) {
        TestData data = new TestData(device + " gemm-tiled " + rows + "x" + cols + "x" + count);
        int offset = 5 * cols + 3; // a slice of a larger packed buffer, not tile-aligned
        BFloat16Array w = data.bf16(offset + rows * cols + 11, 0.5f);
        float[] x = data.uniform(capacity * cols, 1f);
        float[] prior = data.uniform(capacity * rows, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(capacity * rows);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", global(rows, capacity), dims(GemmBf16Tiled.THREADS, 1),
                new KernelContext(), w, offset, FloatArray.fromArray(x), y, meta(0, count), rows, cols, accumulate);
        Matrix m = TestData.matrix("w", w, offset, rows, cols);
        double worst = 0;
        for (int t = 0; t < count; t++) {
            float[] expected = new float[rows];
            m.matVec(x, t * cols, expected, 0);
            if (accumulate == 1) {
                for (int r = 0; r < rows; r++) {
                    expected[r] += prior[t * rows + r];
                }
            }
            worst = Math.max(worst, assertClose("gemm-tiled token " + t, expected, 0, y, t * rows, rows, 1e-4, 1e-4));
        }
        System.out.println("  gemm-tiled " + rows + "x" + cols + "x" + count + ": max |Δ| " + worst);
        if (accumulate == 1) {
            for (int i = count * rows; i < capacity * rows; i++) {
                assertEquals(prior[i], y.get(i), "gemm-tiled: element " + i + " past the valid tokens changed");
            }
        } else {
            assertAllNaN("gemm-tiled", y, count * rows, capacity * rows);
        }
    }

    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3}")
    @CsvSource({"300, 1000, 50, 64", "2304, 96, 20, 32"})
    void matchesReferenceKernel(int rows, int cols, int count, int capacity) {
        TestData data = new TestData(device + " gemm-tiled vs GemmBf16 " + rows + "x" + cols + "x" + count);
        BFloat16Array w = data.bf16(rows * cols, 0.5f);
        FloatArray x = FloatArray.fromArray(data.uniform(capacity * cols, 1f));
        FloatArray fast = poisoned(capacity * rows);
        FloatArray reference = poisoned(capacity * rows);
        int tile = KernelLimits.GEMM_TILE;
        KernelDevices.launch(device, GemmBf16.class, "gemm", dims(roundUp(rows, tile), roundUp(capacity, tile)), dims(tile, tile),
                new KernelContext(), w, 0, x, reference, meta(0, count), rows, cols, 0);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", global(rows, capacity), dims(GemmBf16Tiled.THREADS, 1),
                new KernelContext(), w, 0, x, fast, meta(0, count), rows, cols, 0);
        float[] expected = new float[count * rows];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = reference.get(i);
        }
        double err = assertClose("gemm-tiled vs GemmBf16", expected, 0, fast, 0, count * rows, 1e-4, 1e-4);
        System.out.println("  gemm-tiled vs GemmBf16 " + rows + "x" + cols + "x" + count + ": max |Δ| " + err);
        assertAllNaN("gemm-tiled", fast, count * rows, capacity * rows);
    }

    /** The prefill dense MLP as the graph runs it: gate and up GEMMs, SiluMulRows, down GEMM with the residual. */
    @ParameterizedTest(name = "dim {0} inter {1} tokens {2}/{3}")
    @CsvSource({"64, 96, 5, 8", "256, 520, 70, 72"})
    void denseSwiGluAsGemmsMatchesReferenceMlp(int dim, int inter, int count, int capacity) {
        TestData data = new TestData(device + " swiglu-gemm " + dim + "x" + inter + "x" + count);
        BFloat16Array gate = data.bf16(inter * dim, 0.3f);
        BFloat16Array up = data.bf16(inter * dim, 0.3f);
        BFloat16Array down = data.bf16(dim * inter, 0.3f);
        float[] x = data.uniform(capacity * dim, 1f);
        float[] residual = data.uniform(capacity * dim, 1f);
        FloatArray xs = FloatArray.fromArray(x);
        FloatArray gateOut = poisoned(capacity * inter);
        FloatArray act = poisoned(capacity * inter);
        FloatArray h = FloatArray.fromArray(residual);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", global(inter, capacity), dims(GemmBf16Tiled.THREADS, 1),
                new KernelContext(), gate, 0, xs, gateOut, meta, inter, dim, 0);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", global(inter, capacity), dims(GemmBf16Tiled.THREADS, 1),
                new KernelContext(), up, 0, xs, act, meta, inter, dim, 0);
        KernelDevices.launch(device, SiluMulRows.class, "apply", dims(roundUp((long) capacity * inter, 64)), dims(64),
                new KernelContext(), gateOut, act, meta, inter);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemm", global(dim, capacity), dims(GemmBf16Tiled.THREADS, 1),
                new KernelContext(), down, 0, act, h, meta, dim, inter, 1);
        SwiGluMlp mlp = new SwiGluMlp(TestData.matrix("gate", gate, 0, inter, dim),
                TestData.matrix("up", up, 0, inter, dim), TestData.matrix("down", down, 0, dim, inter));
        double worst = 0;
        for (int t = 0; t < count; t++) {
            float[] expected = mlp.forward(java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim));
            for (int i = 0; i < dim; i++) {
                expected[i] += residual[t * dim + i];
            }
            worst = Math.max(worst, assertClose("swiglu-gemm token " + t, expected, 0, h, t * dim, dim, 1e-4, 1e-4));
        }
        System.out.println("  swiglu-gemm " + dim + "x" + inter + "x" + count + ": max |Δ| " + worst);
        assertAllNaN("swiglu-gemm act", act, count * inter, capacity * inter);
        for (int i = count * dim; i < capacity * dim; i++) {
            assertEquals(residual[i], h.get(i), "swiglu-gemm: hidden element " + i + " past the valid tokens changed");
        }
    }

    /** Split-K: column slices (the last one partial) written as partials, then summed in order by GemmSplitKSum. */
    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3} slice {4} accumulate {5}")
    @CsvSource({"256, 2304, 70, 128, 96, 1", "130, 200, 5, 16, 64, 0", "37, 1000, 64, 64, 48, 1"})
    void splitKMatchesReferenceOps(int rows, int cols, int count, int capacity, int kSlice, int accumulate) {
        TestData data = new TestData(device + " gemm-splitk " + rows + "x" + cols + "x" + count + "/" + kSlice);
        int offset = 2 * cols + 1;
        BFloat16Array w = data.bf16(offset + rows * cols + 5, 0.5f);
        float[] x = data.uniform(capacity * cols, 1f);
        float[] prior = data.uniform(capacity * rows, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(capacity * rows);
        int splits = (cols + kSlice - 1) / kSlice;
        int sliceStride = capacity * rows;
        FloatArray partial = poisoned(splits * sliceStride);
        long[] grid = global(rows, capacity);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, GemmBf16Tiled.class, "gemmSplitK", dims(grid[0] * splits, grid[1]),
                dims(GemmBf16Tiled.THREADS, 1), new KernelContext(), w, offset, FloatArray.fromArray(x), partial, meta,
                rows, cols, kSlice, sliceStride);
        KernelDevices.launch(device, GemmSplitKSum.class, "apply", dims(roundUp(sliceStride, 64)), dims(64),
                new KernelContext(), partial, y, meta, rows, splits, sliceStride, accumulate);
        Matrix m = TestData.matrix("w", w, offset, rows, cols);
        double worst = 0;
        for (int t = 0; t < count; t++) {
            float[] expected = new float[rows];
            m.matVec(x, t * cols, expected, 0);
            if (accumulate == 1) {
                for (int r = 0; r < rows; r++) {
                    expected[r] += prior[t * rows + r];
                }
            }
            worst = Math.max(worst, assertClose("gemm-splitk token " + t, expected, 0, y, t * rows, rows, 1e-4, 1e-4));
        }
        System.out.println("  gemm-splitk " + rows + "x" + cols + "x" + count + " slices of " + kSlice + ": max |Δ| " + worst);
        if (accumulate == 1) {
            for (int i = count * rows; i < capacity * rows; i++) {
                assertEquals(prior[i], y.get(i), "gemm-splitk: element " + i + " past the valid tokens changed");
            }
        } else {
            assertAllNaN("gemm-splitk", y, count * rows, capacity * rows);
        }
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }
}
