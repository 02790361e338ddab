package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.kimitornado.model.reference.RmsNorm;
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
 * The warp-per-row decode kernels (MatVecBf16Warp incl. the folded RMSNorm, KdaGatesWarp, RmsNormRowsWarp,
 * MoeRouterTopKWarp) against the host reference ops and against the kernels they replace (run on the same device),
 * at the real 48B shapes and at ragged ones (rows not filling a group, quads not filling a step, odd slot counts),
 * with fresh seeds and poisoned outputs.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class WarpDecodeKernelsTest {
    private static final float EPS = 1e-5f;
    /**
     * Absolute tolerance of the MoE comparisons: at the real shapes the down sums run over 9,216 products whose partial
     * sums reach ~10³ (act up to ~10²), so fp32 rounding alone is ~1e-4 per summation order; where h cancels to ~1e-3
     * the relative term does not help (seen: 2.3e-4 between two kernels).
     */
    private static final double KERNEL_ATOL = 5e-4;

    @Parameter
    String device;

    /** Work-group size for the warp kernels: whole warps; the JVM runs each work-item as a thread, keep it at one. */
    private int local() {
        return device.equals("java") ? 32 : WarpRows.LOCAL;
    }

    /** The reference kernels' groups (one row per group on the JVM's small groups). */
    private int refLocal(int n) {
        return TestData.pow2AtMost(n, device.equals("java") ? 16 : KernelLimits.MAX_LOCAL);
    }

    @ParameterizedTest(name = "rows {0} cols {1} accumulate {2} rowWarps {3}")
    @CsvSource({
            "4096, 2304, 0, 0", "2304, 4096, 1, 0", "256, 2304, 0, 0", "128, 2304, 0, 0", "4096, 128, 0, 0",
            "37, 100, 1, 0", "37, 100, 0, 2", "13, 64, 0, 1", "5, 2304, 1, 8", "3, 4, 0, 4", "300, 520, 0, 2"})
    void matVecWarpMatchesReferenceOpAndKernel(int rows, int cols, int accumulate, int rowWarps) {
        TestData data = new TestData(device + " gemv warp " + rows + "x" + cols);
        int warps = local() / KernelContext.WARP_SIZE;
        WarpRows g = rowWarps == 0 ? WarpRows.plan(rows, cols / 4, local())
                : new WarpRows(Math.min(rowWarps, warps), local(),
                        (rows + warps / Math.min(rowWarps, warps) - 1) / (warps / Math.min(rowWarps, warps)));
        int offset = 8 * cols; // a slice of a larger packed buffer (quad-aligned)
        BFloat16Array w = data.bf16(offset + rows * cols + 8, 0.5f);
        float[] x = data.uniform(cols, 1f);
        float[] prior = data.uniform(rows + 3, 1f);
        FloatArray y = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(rows + 3);
        FloatArray yRef = accumulate == 1 ? FloatArray.fromArray(prior) : poisoned(rows + 3);
        KernelDevices.launch(device, MatVecBf16Warp.class, "matVec", dims(g.global()), dims(g.local()),
                new KernelContext(), w, offset, FloatArray.fromArray(x), y, meta(0, 1), rows, cols, accumulate,
                g.rowWarps());
        int ref = refLocal(cols);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims((long) rows * ref, 1), dims(ref, 1),
                new KernelContext(), w, offset, FloatArray.fromArray(x), yRef, meta(0, 1), rows, cols, accumulate);
        float[] expected = new float[rows];
        TestData.matrix("w", w, offset, rows, cols).matVec(x, 0, expected, 0);
        for (int r = 0; r < rows && accumulate == 1; r++) {
            expected[r] += prior[r];
        }
        double err = assertClose("gemv warp vs reference op", expected, 0, y, 0, rows, 1e-4, 1e-4);
        double errKernel = assertClose("gemv warp vs MatVecBf16", yRef.toHeapArray(), 0, y, 0, rows, 1e-4, 1e-4);
        System.out.println("  " + g + ": max |Δ| vs op " + err + ", vs reference kernel " + errKernel);
        if (accumulate == 0) {
            assertAllNaN("gemv warp past the last row", y, rows, rows + 3);
        } else {
            for (int r = rows; r < rows + 3; r++) {
                assertEquals(prior[r], y.get(r), "row " + r + " past the last was written");
            }
        }
    }

    @ParameterizedTest(name = "rows {0} cols {1}")
    @CsvSource({"256, 2304", "16, 2304", "37, 100", "9, 8", "3000, 64"})
    void normedMatVecMatchesNormThenGemv(int rows, int cols) {
        TestData data = new TestData(device + " normed gemv warp " + rows + "x" + cols);
        BFloat16Array w = data.bf16(rows * cols, 0.5f);
        BFloat16Array norm = data.bf16(cols, 1.5f);
        float[] h = data.uniform(cols, 3f);
        WarpRows g = WarpRows.plan(rows, cols / 4, local());
        FloatArray y = poisoned(rows + 2);
        FloatArray xnOut = poisoned(cols + 2);
        KernelDevices.launch(device, MatVecBf16Warp.class, "matVecNormed", dims(g.global()), dims(g.local()),
                new KernelContext(), w, FloatArray.fromArray(h), norm, y, xnOut, meta(0, 1), rows, cols, EPS,
                g.rowWarps());
        // reference kernels: RmsNormRows then MatVecBf16
        FloatArray xn = poisoned(cols);
        int normLocal = refLocal(cols);
        KernelDevices.launch(device, RmsNormRows.class, "apply", dims(normLocal), dims(normLocal),
                new KernelContext(), FloatArray.fromArray(h), norm, xn, meta(0, 1), cols, EPS);
        FloatArray yRef = poisoned(rows);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims((long) rows * normLocal, 1), dims(normLocal, 1),
                new KernelContext(), w, 0, xn, yRef, meta(0, 1), rows, cols, 0);
        float[] expected = new float[rows];
        TestData.matrix("w", w, 0, rows, cols).matVec(RmsNorm.apply(h, widened(norm, cols), EPS), 0, expected, 0);
        double err = assertClose("normed gemv warp vs op", expected, 0, y, 0, rows, 1e-4, 1e-4);
        double errKernel = assertClose("normed gemv warp vs RmsNormRows+MatVecBf16", yRef.toHeapArray(), 0, y, 0, rows,
                1e-4, 1e-4);
        assertAllNaN("normed gemv warp past the last row", y, rows, rows + 2);
        double errXn = assertClose("normed gemv warp's xn vs RmsNormRows", xn.toHeapArray(), 0, xnOut, 0, cols,
                1e-6, 1e-5);
        assertClose("normed gemv warp's xn vs op", RmsNorm.apply(h, widened(norm, cols), EPS), 0, xnOut, 0, cols,
                1e-6, 1e-5);
        assertAllNaN("normed gemv warp's xn past the vector", xnOut, cols, cols + 2);
        System.out.println("  xn max |Δ| vs RmsNormRows " + errXn);
        System.out.println("  " + g + ": max |Δ| vs op " + err + ", vs reference kernels " + errKernel);
    }

    @ParameterizedTest(name = "heads {0} dk {1} dim {2}")
    @CsvSource({"32, 128, 2304", "4, 16, 64", "3, 8, 40", "5, 4, 100"})
    void kdaGatesWarpMatchesKdaGatesAndGbGemv(int heads, int dk, int dim) {
        TestData data = new TestData(device + " kda gates warp " + heads + "x" + dk + " dim " + dim);
        int channels = heads * dk;
        int rank = dk;
        float[] fLow = data.uniform(rank, 2f);
        float[] gLow = data.uniform(rank, 2f);
        BFloat16Array fb = data.bf16(channels * rank, 0.5f);
        BFloat16Array gb = data.bf16(channels * rank, 0.5f);
        float[] dtBias = data.uniform(channels, 3f);
        float[] aLog = data.uniform(heads, 2f);
        aLog[0] = 2.8f; // A ≈ 16: strong decays
        BFloat16Array wb = data.bf16(heads * dim, 0.2f);
        float[] x = data.uniform(dim, 1f);
        fLow[0] = 40f; // one channel past the softplus threshold (20)
        FloatArray g = poisoned(channels + 2);
        FloatArray gate = poisoned(channels + 2);
        FloatArray beta = poisoned(heads + 2);
        KernelDevices.launch(device, KdaGatesWarp.class, "apply", dims(KdaGatesWarp.groups(channels, heads)
                        * KdaGatesWarp.LOCAL), dims(KdaGatesWarp.LOCAL), new KernelContext(), FloatArray.fromArray(fLow), fb,
                FloatArray.fromArray(dtBias), FloatArray.fromArray(aLog), FloatArray.fromArray(gLow), gb, wb,
                FloatArray.fromArray(x), g, gate, beta, meta(0, 1), channels, rank, dk, heads, dim);
        // reference kernels: KdaGates (g, β) and the g_b GEMV
        FloatArray gRef = poisoned(channels);
        FloatArray betaRef = poisoned(heads);
        int ref = refLocal(rank);
        KernelDevices.launch(device, KdaGates.class, "apply", dims((channels + heads) * (long) ref, 1), dims(ref, 1),
                new KernelContext(), FloatArray.fromArray(fLow), fb, FloatArray.fromArray(dtBias),
                FloatArray.fromArray(aLog), wb, FloatArray.fromArray(x), gRef, betaRef, meta(0, 1), channels, rank, dk,
                heads, dim);
        FloatArray gateRef = poisoned(channels);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims((long) channels * ref, 1), dims(ref, 1),
                new KernelContext(), gb, 0, FloatArray.fromArray(gLow), gateRef, meta(0, 1), channels, rank, 0);
        double eg = assertClose("g vs KdaGates", gRef.toHeapArray(), 0, g, 0, channels, 1e-5, 1e-4);
        double eb = assertClose("beta vs KdaGates", betaRef.toHeapArray(), 0, beta, 0, heads, 1e-6, 1e-5);
        double eGate = assertClose("gate vs g_b GEMV", gateRef.toHeapArray(), 0, gate, 0, channels, 1e-5, 1e-4);
        float[] expectedGate = new float[channels];
        TestData.matrix("gb", gb, 0, channels, rank).matVec(gLow, 0, expectedGate, 0);
        assertClose("gate vs op", expectedGate, 0, gate, 0, channels, 1e-5, 1e-4);
        assertAllNaN("g past the channels", g, channels, channels + 2);
        assertAllNaN("gate past the channels", gate, channels, channels + 2);
        assertAllNaN("beta past the heads", beta, heads, heads + 2);
        System.out.println("  max |Δ| g " + eg + ", beta " + eb + ", gate " + eGate);
    }

    @ParameterizedTest(name = "dim {0} local {1}")
    @CsvSource({"2304, 256", "2304, 64", "100, 32", "7, 256", "1030, 128"})
    void rmsNormWarpMatchesReferenceKernelAndOp(int dim, int localSize) {
        TestData data = new TestData(device + " rms norm warp " + dim);
        int local = device.equals("java") ? 32 : localSize;
        int capacity = 3;
        int count = 2; // the third row is past the chunk's tokens: untouched
        float[] x = data.uniform(capacity * dim, 3f);
        BFloat16Array w = data.bf16(dim, 1.5f);
        FloatArray y = poisoned(capacity * dim);
        KernelDevices.launch(device, RmsNormRowsWarp.class, "apply", dims((long) capacity * local), dims(local),
                new KernelContext(), FloatArray.fromArray(x), w, y, meta(0, count), dim, EPS);
        FloatArray yRef = poisoned(capacity * dim);
        int ref = refLocal(dim);
        KernelDevices.launch(device, RmsNormRows.class, "apply", dims((long) capacity * ref), dims(ref),
                new KernelContext(), FloatArray.fromArray(x), w, yRef, meta(0, count), dim, EPS);
        double err = 0;
        for (int t = 0; t < count; t++) {
            float[] expected = RmsNorm.apply(java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim), widened(w, dim), EPS);
            err = Math.max(err, assertClose("rms norm warp row " + t + " vs op", expected, 0, y, t * dim, dim, 1e-6, 1e-5));
            assertClose("rms norm warp row " + t + " vs RmsNormRows", yRef.toHeapArray(), t * dim, y, t * dim, dim,
                    1e-6, 1e-5);
        }
        assertAllNaN("rms norm warp past the chunk's count", y, count * dim, capacity * dim);
        System.out.println("  max |Δ| vs op " + err);
    }

    @ParameterizedTest(name = "E {0} top {1} groups {2}/{3} ties {4}")
    @CsvSource({"256, 8, 1, 1, false", "256, 8, 1, 1, true", "8, 2, 1, 1, false", "32, 4, 8, 3, false",
            "40, 6, 1, 1, true", "64, 8, 4, 2, true"})
    void routerTopKWarpMatchesReferenceKernelExactly(int experts, int topK, int groups, int topkGroups, boolean ties) {
        TestData data = new TestData(device + " router top-k warp E " + experts + " top " + topK);
        int tokens = 3;
        int slots = topK + 1;
        float[] logits = data.uniform(tokens * experts, 4f);
        float[] bias = data.uniform(experts, 0.05f);
        if (ties) { // few distinct values and no bias: many equal sel values, so the lower-index rule decides
            for (int i = 0; i < logits.length; i++) {
                logits[i] = Math.round(logits[i]);
            }
            java.util.Arrays.fill(bias, 0f);
        }
        float scaling = 2.446f;
        IntArray ids = new IntArray(tokens * slots);
        ids.init(-7);
        FloatArray weights = poisoned(tokens * slots);
        KernelDevices.launch(device, MoeRouterTopKWarp.class, "apply", dims((long) tokens * KernelContext.WARP_SIZE),
                dims(KernelContext.WARP_SIZE), new KernelContext(), FloatArray.fromArray(logits),
                FloatArray.fromArray(bias), ids, weights, meta(0, tokens), experts, topK, groups, topkGroups, 1, scaling, 1);
        IntArray idsRef = new IntArray(tokens * slots);
        idsRef.init(-9);
        FloatArray weightsRef = poisoned(tokens * slots);
        int ref = refLocal(experts);
        KernelDevices.launch(device, MoeRouterTopK.class, "apply", dims((long) tokens * ref), dims(ref),
                new KernelContext(), FloatArray.fromArray(logits), FloatArray.fromArray(bias), idsRef, weightsRef,
                meta(0, tokens), experts, topK, groups, topkGroups, 1, scaling, 1);
        for (int i = 0; i < tokens * slots; i++) {
            assertEquals(idsRef.get(i), ids.get(i), "slot " + i + " expert id");
            assertEquals(Float.floatToIntBits(weightsRef.get(i)), Float.floatToIntBits(weights.get(i)),
                    "slot " + i + " weight " + weights.get(i) + " vs reference " + weightsRef.get(i));
        }
        // host check of the first token's choice: the top-k sel values, the lower index first among equals
        float[] sel = new float[experts];
        for (int e = 0; e < experts; e++) {
            sel[e] = (float) (1 / (1 + Math.exp(-logits[e]))) + bias[e];
        }
        if (groups == 1) {
            boolean[] taken = new boolean[experts];
            for (int k = 0; k < topK; k++) {
                int best = -1;
                for (int e = 0; e < experts; e++) {
                    if (!taken[e] && (best < 0 || sel[e] > sel[best])) {
                        best = e;
                    }
                }
                taken[best] = true;
                assertEquals(best, ids.get(k), "token 0 choice " + k);
            }
        }
        assertEquals(experts, ids.get(topK), "shared expert slot");
        System.out.println("  ids token 0 " + java.util.Arrays.toString(java.util.Arrays.copyOf(ids.toHeapArray(), slots)));
    }

    @Test
    void warpKernelsWriteNothingWithoutAToken() {
        TestData data = new TestData(device + " warp kernels count 0");
        WarpRows g = WarpRows.plan(40, 16, local());
        FloatArray y = poisoned(40);
        KernelDevices.launch(device, MatVecBf16Warp.class, "matVec", dims(g.global()), dims(g.local()),
                new KernelContext(), data.bf16(40 * 64, 1f), 0, FloatArray.fromArray(data.uniform(64, 1f)), y,
                meta(0, 0), 40, 64, 0, g.rowWarps());
        assertAllNaN("gemv warp with count 0", y, 0, 40);
    }

    @Test
    void planSplitsShortGridsOverWarps() {
        assertEquals(new WarpRows(8, 256, 256), WarpRows.plan(256, 576, 256)); // router: 8 warps per row
        assertEquals(new WarpRows(4, 256, 1152), WarpRows.plan(2304, 1024, 256)); // o_proj
        assertEquals(new WarpRows(1, 256, 20480), WarpRows.plan(163_840, 576, 256)); // LM head
        assertEquals(new WarpRows(1, 256, 512), WarpRows.plan(4096, 32, 256)); // g_b: 32 quads, one per lane
        assertEquals(new WarpRows(1, 32, 13), WarpRows.plan(13, 16, 32));
        assertThrows(IllegalArgumentException.class, () -> WarpRows.plan(10, 8, 48));
        assertThrows(IllegalArgumentException.class, () -> new WarpRows(3, 256, 1));
    }

    private static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }

    private static float[] widened(BFloat16Array a, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = a.getFloat(i);
        }
        return out;
    }
}
