package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;

import ai.kimitornado.model.reference.MlaForm;
import ai.kimitornado.model.reference.MlaLatentCache;
import ai.kimitornado.model.reference.MultiHeadLatentAttention;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The MLA kernel chain (q/kv_a projections, latent norm + cache append, absorbed split attention, combine, value
 * up-projection, o_proj) vs the reference MLA in its EXPANDED form — so the absorption itself is checked —
 * over a prefill chunk followed by single-token decode steps.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MlaKernelsTest {
    @Parameter
    String device;


    @ParameterizedTest(name = "D {0} H {1} nope {2} rope {3} v {4} lora {5} split {6}")
    @CsvSource({"64, 4, 16, 8, 16, 32, 4", "256, 4, 128, 64, 128, 512, 64", "64, 2, 16, 8, 16, 32, 256"})
    void absorbedKernelsMatchExpandedReference(int dim, int heads, int nope, int rope, int vDim, int lora, int splitLen) {
        TestData data = new TestData(device + " " + "mla " + dim + "/" + heads + "x" + nope + "+" + rope + "/" + lora);
        int qRows = heads * (nope + rope);
        int row = lora + rope;
        BFloat16Array wq = data.bf16(qRows * dim, 0.3f);
        BFloat16Array wkva = data.bf16(row * dim, 0.3f);
        BFloat16Array normW = data.bf16(lora, 1.5f);
        BFloat16Array wkvb = data.bf16(heads * (nope + vDim) * lora, 0.3f);
        BFloat16Array wo = data.bf16(dim * heads * vDim, 0.3f);
        MultiHeadLatentAttention ref = new MultiHeadLatentAttention(heads, nope, rope, vDim, lora, 1e-6,
                TestData.matrix("q", wq, 0, qRows, dim), TestData.matrix("kva", wkva, 0, row, dim), normW.toHeapArray(),
                TestData.matrix("kvb", wkvb, 0, heads * (nope + vDim), lora), TestData.matrix("o", wo, 0, dim, heads * vDim));
        MlaLatentCache refCache = ref.newCache();

        int capacity = 8;
        int maxCtx = 32;
        int splits = (maxCtx + splitLen - 1) / splitLen;
        float scale = (float) (1.0 / Math.sqrt(nope + rope));
        FloatArray cache = new FloatArray(maxCtx * row);
        FloatArray q = new FloatArray(capacity * qRows);
        FloatArray ckv = new FloatArray(capacity * row);
        FloatArray qLat = new FloatArray(capacity * heads * lora);
        FloatArray partials = new FloatArray(capacity * heads * splits * (lora + 2));
        FloatArray latentCtx = new FloatArray(capacity * heads * lora);
        FloatArray attn = new FloatArray(capacity * heads * vDim);
        int position = 0;
        for (int count : new int[] {7, 1, 1, 5}) {
            float[] x = data.uniform(capacity * dim, 1f);
            FloatArray xa = FloatArray.fromArray(x);
            FloatArray out = poisoned(capacity * dim);
            IntArray meta = meta(position, count);
            KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(qRows * 32L, capacity), dims(32, 1),
                    new KernelContext(), wq, 0, xa, q, meta, qRows, dim, 0);
            KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(row * 32L, capacity), dims(32, 1),
                    new KernelContext(), wkva, 0, xa, ckv, meta, row, dim, 0);
            KernelDevices.launch(device, MlaLatentNormAppend.class, "apply", dims(capacity * 32L), dims(32),
                    new KernelContext(), ckv, normW, cache, meta, lora, rope, MlaLatentNormAppend.EPS, maxCtx);
            KernelDevices.launch(device, MlaQueryAbsorb.class, "apply", dims(NormAndProjectionKernelsTest.roundUp((long) heads * lora, 64), capacity),
                    dims(64, 1), new KernelContext(), q, wkvb, qLat, meta, heads, nope, rope, vDim, lora);
            KernelDevices.launch(device, MlaAttentionPartial.class, "apply", dims((long) heads * splits * 32, capacity), dims(32, 1),
                    new KernelContext(), qLat, q, cache, partials, meta, heads, nope, rope, lora, splitLen, splits, scale);
            KernelDevices.launch(device, MlaAttentionCombine.class, "apply", dims(NormAndProjectionKernelsTest.roundUp((long) heads * lora, 64), capacity),
                    dims(64, 1), new KernelContext(), partials, latentCtx, meta, heads, lora, splits);
            KernelDevices.launch(device, MlaValueUp.class, "apply", dims((long) heads * vDim * 32, capacity), dims(32, 1),
                    new KernelContext(), latentCtx, wkvb, attn, meta, heads, nope, vDim, lora);
            KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(dim * 64L, capacity), dims(64, 1),
                    new KernelContext(), wo, 0, attn, out, meta, dim, heads * vDim, 0);

            float[][] xr = new float[count][];
            for (int t = 0; t < count; t++) {
                xr[t] = java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim);
            }
            float[][] expected = ref.forward(xr, refCache, MlaForm.EXPANDED);
            double worst = 0;
            for (int t = 0; t < count; t++) {
                // fp32 sums over 512 latent + 128·H values: error scales with the row's magnitude, not each element's
                double rowMax = 0;
                for (float e : expected[t]) {
                    rowMax = Math.max(rowMax, Math.abs(e));
                }
                worst = Math.max(worst, assertClose("mla position " + (position + t), expected[t], 0, out, t * dim, dim,
                        2e-4 * rowMax, 2e-4));
            }
            for (int s = position; s < position + count; s++) {
                assertClose("cached latent " + s, refCache.latent(s), 0, cache, s * row, lora, 1e-5, 1e-5);
                assertClose("cached rope key " + s, refCache.ropeKey(s), 0, cache, s * row + lora, rope, 1e-5, 1e-5);
            }
            System.out.println("  mla positions " + position + "+" + count + ": max |Δ| " + worst);
            position += count;
        }
    }
}
