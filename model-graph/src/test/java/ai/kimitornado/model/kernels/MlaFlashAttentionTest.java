package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MlaFlashAttention} and its prefill form {@link MlaFlashPrefill} (+ {@link MlaFlashCombine} when split)
 * against a float64 softmax attention over the
 * latent cache computed here, and against the reference kernel pair {@link MlaAttentionPartial} +
 * {@link MlaAttentionCombine}: fresh random queries and cache, poisoned outputs, contexts that are not multiples
 * of the key tile or the split, positions 0, 1 and the last one of the cache, head counts that are not multiples of
 * the head block or of 4, a latent width that is not a multiple of the 32-column chunk.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MlaFlashAttentionTest {
    @Parameter
    String device;

    @ParameterizedTest(name = "H {0} nope {1} rope {2} lora {3} block {4} tile {5} splits {6} ctx {7} pos {8} count {9} local {10}")
    @CsvSource({
            // decode shapes of the real model (32 heads, 512 + 64 latent), positions 0, 1, 77, last of the cache
            "32, 128, 64, 512, 16, 32, 8, 200, 0, 1, 64",
            "32, 128, 64, 512, 16, 32, 8, 200, 1, 1, 128",
            "32, 128, 64, 512, 16, 32, 8, 200, 77, 1, 64",
            "32, 128, 64, 512, 16, 32, 8, 200, 199, 1, 128",
            // prefill chunks: one split (direct context), several splits (some ranges past early tokens' horizon)
            "32, 128, 64, 512, 16, 64, 1, 200, 0, 7, 128",
            "32, 128, 64, 512, 16, 64, 1, 200, 130, 5, 64",
            "32, 128, 64, 512, 16, 64, 3, 200, 60, 8, 128",
            "32, 128, 64, 512, 16, 32, 3, 200, 61, 8, 64",
            // odd shapes: 6 heads (block 4: a partial block), latent 40 (two chunks, the second partial), tile 6
            "6, 16, 8, 40, 4, 6, 3, 50, 0, 8, 32",
            "6, 16, 8, 40, 16, 6, 1, 50, 23, 8, 16",
            "2, 16, 8, 40, 16, 2, 5, 50, 49, 1, 1",
            // tiny-a shapes (4 heads, 16 + 8, latent 32) as the engine tiles them: decode 2 splits, prefill 1
            "4, 16, 8, 32, 4, 32, 2, 64, 21, 1, 128",
            "4, 16, 8, 32, 4, 64, 1, 64, 0, 8, 64",
            // the most splits the combine holds (256; 148 of them non-empty at this position)
            "6, 16, 8, 40, 4, 2, 256, 600, 590, 1, 32",
    })
    void matchesSoftmaxAttentionOverTheCache(int heads, int nope, int rope, int lora, int headBlock, int keyTile,
                                             int splits, int maxCtx, int position, int count, int local) {
        TestData data = new TestData(device + " mla flash H" + heads + " lora " + lora + " splits " + splits
                + " pos " + position + "+" + count);
        int capacity = 8;
        int row = lora + rope;
        int qRow = nope + rope;
        float scale = (float) (1.0 / Math.sqrt(nope + rope));
        FloatArray qLat = FloatArray.fromArray(data.uniform(capacity * heads * lora, 0.3f));
        FloatArray q = FloatArray.fromArray(data.uniform(capacity * heads * qRow, 1f));
        FloatArray cache = FloatArray.fromArray(data.uniform(maxCtx * row, 1f));
        IntArray meta = meta(position, count);
        // the decode kernel holds key tiles up to its MAX_KEY_TILE (32): larger tiles only for the prefill form
        boolean decodeKernel = keyTile <= MlaFlashAttention.MAX_KEY_TILE;
        FloatArray latentCtx = decodeKernel ? runFlash(MlaFlashAttention.class, qLat, q, cache, meta, heads, nope,
                rope, lora, headBlock, keyTile, splits, scale, capacity, local) : null;
        FloatArray prefillCtx = runFlash(MlaFlashPrefill.class, qLat, q, cache, meta, heads, nope, rope, lora,
                headBlock, keyTile, splits, scale, capacity, local);
        // the reference kernel pair on the same inputs
        int refSplitLen = 16;
        int refSplits = (maxCtx + refSplitLen - 1) / refSplitLen;
        FloatArray refPartials = poisoned(capacity * heads * refSplits * (lora + 2));
        FloatArray refCtx = poisoned(capacity * heads * lora);
        KernelDevices.launch(device, MlaAttentionPartial.class, "apply", dims((long) heads * refSplits * 16, capacity),
                dims(16, 1), new KernelContext(), qLat, q, cache, refPartials, meta, heads, nope, rope, lora,
                refSplitLen, refSplits, scale);
        KernelDevices.launch(device, MlaAttentionCombine.class, "apply",
                dims(NormAndProjectionKernelsTest.roundUp((long) heads * lora, 64), capacity), dims(64, 1),
                new KernelContext(), refPartials, refCtx, meta, heads, lora, refSplits);

        double worst = 0;
        double worstPrefill = 0;
        double worstRef = 0;
        for (int t = 0; t < count; t++) {
            for (int h = 0; h < heads; h++) {
                float[] expected = attention(qLat, q, cache, t, h, position + t + 1, heads, nope, rope, lora, scale);
                String what = "token " + t + " (position " + (position + t) + ") head " + h;
                int at = (t * heads + h) * lora;
                if (decodeKernel) {
                    worst = Math.max(worst, assertClose(what, expected, 0, latentCtx, at, lora, 2e-5, 2e-4));
                }
                worstPrefill = Math.max(worstPrefill, assertClose(what + " (MlaFlashPrefill)", expected, 0, prefillCtx,
                        at, lora, 2e-5, 2e-4));
                worstRef = Math.max(worstRef, assertClose(what + " (reference kernels)", expected, 0, refCtx, at, lora,
                        2e-5, 2e-4));
            }
        }
        if (decodeKernel) {
            TestData.assertAllNaN("rows past the chunk's count", latentCtx, count * heads * lora, capacity * heads * lora);
        }
        TestData.assertAllNaN("rows past the chunk's count (MlaFlashPrefill)", prefillCtx, count * heads * lora,
                capacity * heads * lora);
        System.out.println("  flash max |Δ| " + worst + ", flash prefill " + worstPrefill + ", reference kernels "
                + worstRef);
    }

    /** One flash kernel (+ the combine when split) into a poisoned context buffer. */
    private FloatArray runFlash(Class<?> kernel, FloatArray qLat, FloatArray q, FloatArray cache, IntArray meta,
                                int heads, int nope, int rope, int lora, int headBlock, int keyTile, int splits,
                                float scale, int capacity, int local) {
        FloatArray partials = poisoned(Math.max(1, capacity * heads * splits * (lora + 2)));
        FloatArray latentCtx = poisoned(capacity * heads * lora);
        long groups = (long) ((heads + headBlock - 1) / headBlock) * splits;
        KernelDevices.launch(device, kernel, "apply", dims(groups * local, capacity), dims(local, 1),
                new KernelContext(), qLat, q, cache, partials, latentCtx, meta, heads, nope, rope, lora, headBlock,
                keyTile, splits, scale);
        if (splits > 1) {
            int combineLocal = Math.min(256, 2 * local);
            long blocks = (long) heads * ((lora + MlaFlashCombine.COLUMNS - 1) / MlaFlashCombine.COLUMNS);
            KernelDevices.launch(device, MlaFlashCombine.class, "apply", dims(blocks * combineLocal, capacity),
                    dims(combineLocal, 1), new KernelContext(), partials, latentCtx, meta, heads, lora, splits);
        }
        return latentCtx;
    }

    /** softmax_s≤p((qLat·c_s + q_rope·kr_s)·scale) · c_s in float64, over the first {@code visible} cache rows. */
    static float[] attention(FloatArray qLat, FloatArray q, FloatArray cache, int t, int h, int visible, int heads,
                             int nope, int rope, int lora, float scale) {
        int row = lora + rope;
        double[] scores = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < visible; s++) {
            double dot = 0;
            for (int j = 0; j < lora; j++) {
                dot += (double) qLat.get((t * heads + h) * lora + j) * cache.get(s * row + j);
            }
            for (int j = 0; j < rope; j++) {
                dot += (double) q.get((t * heads + h) * (nope + rope) + nope + j) * cache.get(s * row + lora + j);
            }
            scores[s] = dot * scale;
            max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = 0; s < visible; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
        }
        float[] out = new float[lora];
        for (int j = 0; j < lora; j++) {
            double acc = 0;
            for (int s = 0; s < visible; s++) {
                acc += scores[s] * cache.get(s * row + j);
            }
            out[j] = (float) (acc / sum);
        }
        return out;
    }
}
