package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.model.reference.Matrix;
import ai.kimitornado.model.reference.RmsNorm;
import ai.kimitornado.model.reference.SwiGluMlp;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/** Embedding, RMSNorm, GEMV, GEMM, SwiGLU kernels vs the reference ops, tiny and real shapes. */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class NormAndProjectionKernelsTest {
    @Parameter
    String device;


    @ParameterizedTest(name = "vocab {0} dim {1}")
    @CsvSource({"50, 64", "1000, 2304"})
    void embeddingGatherCopiesRowsExactly(int vocab, int dim) {
        TestData data = new TestData(device + " " + "embedding " + vocab + "x" + dim);
        BFloat16Array table = data.bf16(vocab * dim, 1f);
        int capacity = 4;
        int count = 3;
        IntArray tokens = IntArray.fromArray(data.random.nextInt(vocab), vocab - 1, 0, 0);
        FloatArray h = poisoned(capacity * dim);
        long global = roundUp(capacity * dim, 64);
        KernelDevices.launch(device, EmbeddingGather.class, "gather", dims(global), dims(64),
                new KernelContext(), tokens, table, h, meta(0, count), dim);
        for (int t = 0; t < count; t++) {
            for (int d = 0; d < dim; d++) {
                assertEquals(table.getFloat(tokens.get(t) * dim + d), h.get(t * dim + d), "row " + t + " dim " + d);
            }
        }
        assertAllNaN("embedding", h, count * dim, capacity * dim);
    }

    @ParameterizedTest(name = "dim {0} local {1}")
    @CsvSource({"64, 32", "2304, 256", "100, 64"})
    void rmsNormMatchesReference(int dim, int local) {
        TestData data = new TestData(device + " " + "rmsnorm " + dim);
        int capacity = 3;
        int count = 2;
        float[] x = data.uniform(capacity * dim, 3f);
        BFloat16Array w = data.bf16(dim, 1.5f);
        FloatArray out = poisoned(capacity * dim);
        KernelDevices.launch(device, RmsNormRows.class, "apply", dims(capacity * local), dims(local),
                new KernelContext(), FloatArray.fromArray(x), w, out, meta(0, count), dim, 1e-5f);
        float[] wf = w.toHeapArray();
        for (int t = 0; t < count; t++) {
            float[] row = java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim);
            float[] expected = RmsNorm.apply(row, wf, 1e-5);
            double err = assertClose("rmsnorm row " + t, expected, 0, out, t * dim, dim, 1e-5, 1e-5);
            System.out.println("  rmsnorm dim " + dim + " row " + t + ": max |Δ| " + err);
        }
        assertAllNaN("rmsnorm", out, count * dim, capacity * dim);
    }

    @ParameterizedTest(name = "rows {0} cols {1} local {2} accumulate {3}")
    @CsvSource({"48, 64, 32, 0", "37, 100, 64, 1", "256, 2304, 128, 0", "64, 4096, 256, 1", "2304, 128, 128, 0"})
    void matVecMatchesReference(int rows, int cols, int local, int accumulate) {
        TestData data = new TestData(device + " " + "gemv " + rows + "x" + cols);
        int offset = 3 * cols; // a slice of a larger packed buffer
        BFloat16Array w = data.bf16(offset + rows * cols + 7, 0.5f);
        int capacity = 2;
        int count = 2;
        float[] x = data.uniform(capacity * cols, 1f);
        float[] prior = data.uniform(capacity * rows, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(capacity * rows);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims((long) rows * local, capacity), dims(local, 1),
                new KernelContext(), w, offset, FloatArray.fromArray(x), y, meta(0, count), rows, cols, accumulate);
        Matrix m = TestData.matrix("w", w, offset, rows, cols);
        for (int t = 0; t < count; t++) {
            float[] expected = new float[rows];
            m.matVec(x, t * cols, expected, 0);
            if (accumulate == 1) {
                for (int r = 0; r < rows; r++) {
                    expected[r] += prior[t * rows + r];
                }
            }
            double err = assertClose("gemv token " + t, expected, 0, y, t * rows, rows, 1e-4, 1e-4);
            System.out.println("  gemv " + rows + "x" + cols + " token " + t + ": max |Δ| " + err);
        }
    }

    @org.junit.jupiter.api.Test
    void lmHeadSizedGemvCoversEveryVocabularyRow() {
        // vocab 163840 rows (the real LM head's row count) with a short row, so the reference stays cheap
        TestData data = new TestData(device + " " + "gemv lm-head rows");
        int rows = 163840;
        int cols = 128;
        int local = device.equals("java") ? 1 : 128; // the JVM runs each work-item of a group as a thread
        BFloat16Array w = data.bf16(rows * cols, 0.5f);
        float[] x = data.uniform(cols, 1f);
        FloatArray y = poisoned(rows);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims((long) rows * local, 1), dims(local, 1),
                new KernelContext(), w, 0, FloatArray.fromArray(x), y, meta(0, 1), rows, cols, 0);
        float[] expected = new float[rows];
        TestData.matrix("lm_head", w, 0, rows, cols).matVec(x, 0, expected, 0);
        double err = assertClose("lm-head gemv", expected, 0, y, 0, rows, 1e-4, 1e-4);
        System.out.println("  gemv " + rows + "x" + cols + ": max |Δ| " + err);
    }

    @ParameterizedTest(name = "rows {0} cols {1} tokens {2}/{3}")
    @CsvSource({"70, 50, 19, 20", "32, 64, 16, 16", "300, 2304, 5, 16"})
    void gemmMatchesReference(int rows, int cols, int count, int capacity) {
        TestData data = new TestData(device + " " + "gemm " + rows + "x" + cols);
        BFloat16Array w = data.bf16(rows * cols, 0.5f);
        float[] x = data.uniform(capacity * cols, 1f);
        FloatArray y = poisoned(capacity * rows);
        int tile = KernelLimits.GEMM_TILE;
        KernelDevices.launch(device, GemmBf16.class, "gemm", dims(roundUp(rows, tile), roundUp(capacity, tile)), dims(tile, tile),
                new KernelContext(), w, 0, FloatArray.fromArray(x), y, meta(0, count), rows, cols, 0);
        Matrix m = TestData.matrix("w", w, 0, rows, cols);
        double worst = 0;
        for (int t = 0; t < count; t++) {
            float[] expected = new float[rows];
            m.matVec(x, t * cols, expected, 0);
            worst = Math.max(worst, assertClose("gemm token " + t, expected, 0, y, t * rows, rows, 1e-4, 1e-4));
        }
        System.out.println("  gemm " + rows + "x" + cols + "x" + count + ": max |Δ| " + worst);
        assertAllNaN("gemm", y, count * rows, capacity * rows);
    }

    @ParameterizedTest(name = "dim {0} inter {1}")
    @CsvSource({"64, 96", "256, 1024"})
    void swiGluGateUpThenDownMatchesReferenceMlp(int dim, int inter) {
        TestData data = new TestData(device + " " + "swiglu " + dim + "x" + inter);
        BFloat16Array gate = data.bf16(inter * dim, 0.3f);
        BFloat16Array up = data.bf16(inter * dim, 0.3f);
        BFloat16Array down = data.bf16(dim * inter, 0.3f);
        float[] x = data.uniform(dim, 1f);
        float[] residual = data.uniform(dim, 1f);
        FloatArray act = poisoned(inter);
        FloatArray h = FloatArray.fromArray(residual);
        IntArray meta = meta(0, 1);
        KernelDevices.launch(device, SwiGluGateUp.class, "gateUp", dims(inter * 64L, 1), dims(64, 1),
                new KernelContext(), gate, up, FloatArray.fromArray(x), act, meta, inter, dim);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(dim * 128L, 1), dims(128, 1),
                new KernelContext(), down, 0, act, h, meta, dim, inter, 1);
        SwiGluMlp mlp = new SwiGluMlp(TestData.matrix("gate", gate, 0, inter, dim),
                TestData.matrix("up", up, 0, inter, dim), TestData.matrix("down", down, 0, dim, inter));
        float[] expected = mlp.forward(x);
        for (int d = 0; d < dim; d++) {
            expected[d] += residual[d];
        }
        double err = assertClose("swiglu", expected, 0, h, 0, dim, 1e-4, 1e-4);
        System.out.println("  swiglu " + dim + "x" + inter + ": max |Δ| " + err);
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }
}
