package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;

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
 * The per-head GEMM forms of MLA's value up-projection and query absorption against the per-token reference
 * kernels {@link MlaValueUp} / {@link MlaQueryAbsorb} on the same device: the real 48B head shape, odd shapes with
 * partial row/K/token tiles, more than one row tile per head, and tokens past the chunk's count left poisoned.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MlaHeadGemmTest {
    @Parameter
    String device;

    static long[] global(int heads, int rows, int capacity) {
        long rowTiles = (rows + MlaHeadGemm.TILE_ROWS - 1) / MlaHeadGemm.TILE_ROWS;
        return dims(heads * rowTiles * MlaHeadGemm.THREADS, (capacity + MlaHeadGemm.TILE_TOKENS - 1) / MlaHeadGemm.TILE_TOKENS);
    }

    @ParameterizedTest(name = "heads {0} nope {1} rope {2} v {3} lora {4} tokens {5}/{6}")
    @CsvSource({"32, 128, 64, 128, 512, 5, 8", "3, 24, 8, 72, 200, 70, 80", "2, 17, 4, 130, 136, 64, 64",
            "1, 8, 2, 5, 9, 1, 2", "4, 128, 64, 128, 512, 65, 66"})
    void valueUpMatchesPerTokenKernel(int heads, int nope, int rope, int vDim, int lora, int count, int capacity) {
        TestData data = new TestData(device + " mla value_up gemm " + heads + "x" + vDim + "x" + lora + " tokens " + count);
        BFloat16Array kvB = data.bf16(heads * (nope + vDim) * lora, 0.3f);
        FloatArray latentCtx = FloatArray.fromArray(data.uniform(capacity * heads * lora, 1f));
        IntArray meta = meta(3, count);
        int n = capacity * heads * vDim;
        FloatArray fast = poisoned(n);
        FloatArray reference = poisoned(n);
        KernelDevices.launch(device, MlaValueUp.class, "apply", dims((long) heads * vDim * 32, capacity), dims(32, 1),
                new KernelContext(), latentCtx, kvB, reference, meta, heads, nope, vDim, lora);
        KernelDevices.launch(device, MlaHeadGemm.class, "valueUp", global(heads, vDim, capacity), dims(MlaHeadGemm.THREADS, 1),
                new KernelContext(), latentCtx, kvB, fast, meta, heads, nope, vDim, lora);
        compare("value_up", reference, fast, count * heads * vDim, n);
    }

    @ParameterizedTest(name = "heads {0} nope {1} rope {2} v {3} lora {4} tokens {5}/{6}")
    @CsvSource({"32, 128, 64, 128, 512, 5, 8", "3, 24, 8, 72, 200, 70, 80", "2, 17, 4, 130, 136, 64, 64",
            "1, 8, 2, 5, 9, 1, 2", "4, 128, 64, 128, 512, 65, 66"})
    void queryAbsorbMatchesPerTokenKernel(int heads, int nope, int rope, int vDim, int lora, int count, int capacity) {
        TestData data = new TestData(device + " mla q_absorb gemm " + heads + "x" + nope + "x" + lora + " tokens " + count);
        BFloat16Array kvB = data.bf16(heads * (nope + vDim) * lora, 0.3f);
        FloatArray q = FloatArray.fromArray(data.uniform(capacity * heads * (nope + rope), 1f));
        IntArray meta = meta(3, count);
        int n = capacity * heads * lora;
        FloatArray fast = poisoned(n);
        FloatArray reference = poisoned(n);
        KernelDevices.launch(device, MlaQueryAbsorb.class, "apply",
                dims(NormAndProjectionKernelsTest.roundUp((long) heads * lora, 64), capacity), dims(64, 1),
                new KernelContext(), q, kvB, reference, meta, heads, nope, rope, vDim, lora);
        KernelDevices.launch(device, MlaHeadGemm.class, "queryAbsorb", global(heads, lora, capacity), dims(MlaHeadGemm.THREADS, 1),
                new KernelContext(), q, kvB, fast, meta, heads, nope, rope, vDim, lora);
        compare("q_absorb", reference, fast, count * heads * lora, n);
    }

    /** Valid outputs agree (sums differ only in order); everything past the valid tokens stays NaN in both. */
    private static void compare(String what, FloatArray reference, FloatArray fast, int valid, int n) {
        float[] expected = new float[valid];
        for (int i = 0; i < valid; i++) {
            expected[i] = reference.get(i);
        }
        double err = assertClose(what + " gemm vs per-token kernel", expected, 0, fast, 0, valid, 1e-4, 1e-4);
        System.out.println("  " + what + " gemm vs per-token kernel: " + valid + " outputs, max |Δ| " + err);
        assertAllNaN(what + " gemm", fast, valid, n);
        assertAllNaN(what + " per-token kernel", reference, valid, n);
    }
}
