package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link MlaFlashDecodeWarp} (one warp per context range and head) against the reference decode kernel
 * {@link MlaFlashAttention} on the same inputs and ranges (partials [part | m | l] compared entry by entry, empty
 * ranges included) and, after {@link MlaFlashCombine}, against the float64 softmax attention over the cache: real
 * shapes at positions 0, 1, 77 and the last; a range count that leaves some ranges past the horizon; one range
 * (direct context); small odd shapes (6 heads: warps of one group span ranges; latent 40, rope 8: partial lanes).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MlaFlashDecodeWarpTest {
    @Parameter
    String device;

    @ParameterizedTest(name = "H {0} nope {1} rope {2} lora {3} tile {4} splits {5} ctx {6} pos {7}")
    @CsvSource({
            "32, 128, 64, 512, 32, 8, 200, 0",
            "32, 128, 64, 512, 32, 8, 200, 1",
            "32, 128, 64, 512, 32, 8, 200, 77",
            "32, 128, 64, 512, 32, 7, 200, 199",
            "32, 128, 64, 512, 32, 1, 200, 150",
            "6, 16, 8, 40, 6, 3, 50, 23",
            "6, 16, 8, 40, 2, 256, 600, 590",
            "4, 16, 8, 32, 32, 2, 64, 21",
            "2, 16, 8, 40, 2, 5, 50, 49",
    })
    void matchesReferenceKernelAndSoftmaxAttention(int heads, int nope, int rope, int lora, int keyTile, int splits,
                                                   int maxCtx, int position) {
        TestData data = new TestData(device + " mla decode warp H" + heads + " lora " + lora + " splits " + splits
                + " pos " + position);
        int row = lora + rope;
        float scale = (float) (1.0 / Math.sqrt(nope + rope));
        FloatArray qLat = FloatArray.fromArray(data.uniform(heads * lora, 0.3f));
        FloatArray q = FloatArray.fromArray(data.uniform(heads * (nope + rope), 1f));
        FloatArray cache = FloatArray.fromArray(data.uniform(maxCtx * row, 1f));
        IntArray meta = meta(position, 1);
        int partialFloats = heads * splits * (lora + 2);

        FloatArray partials = poisoned(Math.max(1, partialFloats));
        FloatArray latentCtx = poisoned(heads * lora + 3);
        int local = device.equals("java") ? 64 : MlaFlashDecodeWarp.LOCAL; // the graph's groups
        long warps = (long) splits * heads;
        long global = (warps * KernelContext.WARP_SIZE + local - 1) / local * local;
        KernelDevices.launch(device, MlaFlashDecodeWarp.class, "apply", dims(global), dims(local), new KernelContext(),
                qLat, q, cache, partials, latentCtx, meta, heads, nope, rope, lora, keyTile, splits, scale);

        FloatArray refPartials = poisoned(Math.max(1, partialFloats));
        FloatArray refCtx = poisoned(heads * lora + 3);
        int headBlock = Math.min(MlaFlashAttention.MAX_HEAD_BLOCK, heads);
        int refLocal = device.equals("java") ? 16 : 128;
        long refGroups = (long) ((heads + headBlock - 1) / headBlock) * splits;
        KernelDevices.launch(device, MlaFlashAttention.class, "apply", dims(refGroups * refLocal, 1), dims(refLocal, 1),
                new KernelContext(), qLat, q, cache, refPartials, refCtx, meta, heads, nope, rope, lora, headBlock,
                keyTile, splits, scale);
        double worstPartial = 0;
        if (splits > 1) {
            for (int i = 0; i < heads * splits; i++) {
                int base = i * (lora + 2);
                float l = refPartials.get(base + lora + 1);
                assertEquals(refPartials.get(base + lora), partials.get(base + lora), 1e-5f * Math.max(1f,
                        Math.abs(refPartials.get(base + lora))), "range/head " + i + " max");
                assertEquals(l, partials.get(base + lora + 1), 2e-5f * Math.max(1f, l), "range/head " + i + " sum");
                if (l > 0) { // an empty range's part is never read (and not written)
                    worstPartial = Math.max(worstPartial, assertClose("range/head " + i + " part",
                            refPartials.toHeapArray(), base, partials, base, lora, 2e-5, 2e-4));
                }
            }
            long blocks = (long) heads * ((lora + MlaFlashCombine.COLUMNS - 1) / MlaFlashCombine.COLUMNS);
            int combineLocal = device.equals("java") ? 16 : 256;
            KernelDevices.launch(device, MlaFlashCombine.class, "apply", dims(blocks * combineLocal, 1),
                    dims(combineLocal, 1), new KernelContext(), partials, latentCtx, meta, heads, lora, splits);
            KernelDevices.launch(device, MlaFlashCombine.class, "apply", dims(blocks * combineLocal, 1),
                    dims(combineLocal, 1), new KernelContext(), refPartials, refCtx, meta, heads, lora, splits);
        }
        double worst = 0;
        for (int h = 0; h < heads; h++) {
            float[] expected = MlaFlashAttentionTest.attention(qLat, q, cache, 0, h, position + 1, heads, nope, rope,
                    lora, scale);
            worst = Math.max(worst, assertClose("head " + h + " vs float64 attention", expected, 0, latentCtx,
                    h * lora, lora, 2e-5, 2e-4));
            assertClose("head " + h + " vs MlaFlashAttention", refCtx.toHeapArray(), h * lora, latentCtx, h * lora,
                    lora, 2e-5, 2e-4);
        }
        TestData.assertAllNaN("past the last head", latentCtx, heads * lora, heads * lora + 3);
        System.out.println("  max |Δ| vs float64 " + worst + ", partials vs MlaFlashAttention " + worstPartial);
    }
}
