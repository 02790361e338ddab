package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TornadoDevice;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * MLA prefill in the expanded form — {@link MlaHeadGemm#expandCache} then {@link MlaExpandedPrefill} and its
 * tensor-core form {@link MlaExpandedPrefillMma} (bf16 hi/lo split MMAs) — against a
 * float64 expanded-form attention computed here (KIMI_LINEAR.md §3.5, MlaForm.EXPANDED) and against the absorbed
 * kernels on the same device ({@link MlaHeadGemm#queryAbsorb} → {@link MlaFlashPrefill} → {@link MlaHeadGemm#valueUp}):
 * fresh random inputs, poisoned outputs and a poisoned expansion scratch (positions the chunk cannot see stay NaN,
 * so reading one would show), chunks at position 0 and past it, counts that are not multiples of the 64-query tile,
 * value widths below, at and between the two 64-column halves, q·k widths that are not multiples of 32.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MlaExpandedPrefillTest {
    @Parameter
    String device;

    @ParameterizedTest(name = "H {0} nope {1} rope {2} v {3} lora {4} pos {5} count {6}/{7} ctx {8}")
    @CsvSource({
            // the real 48B head shape, a chunk past position 0 with a partial second query tile
            "32, 128, 64, 128, 512, 70, 20, 24, 100",
            // three query tiles, six key tiles, q·k 64 (two chunks), all 128 value columns
            "2, 40, 24, 128, 48, 200, 130, 130, 400",
            // v 72 (a partial second half), q·k exactly one chunk, position 0, a full tile
            "3, 24, 8, 72, 200, 0, 64, 64, 64",
            // tiny-a shapes: a short chunk late in the cache
            "4, 16, 8, 16, 32, 61, 5, 64, 256",
            // odd widths: q·k 21, v 5, latent 9; the first token alone
            "2, 17, 4, 5, 9, 0, 1, 2, 8",
    })
    void matchesExpandedAttentionAndTheAbsorbedKernels(int heads, int nope, int rope, int vDim, int lora, int position,
                                                       int count, int capacity, int maxCtx) {
        TestData data = new TestData(device + " mla expanded prefill H" + heads + " v " + vDim + " pos " + position
                + "+" + count);
        int qk = nope + rope;
        int latentRow = lora + rope;
        int kvRow = nope + vDim;
        int rows = heads * kvRow;
        float scale = (float) (1.0 / Math.sqrt(qk));
        FloatArray q = FloatArray.fromArray(data.uniform(capacity * heads * qk, 1f));
        FloatArray cache = FloatArray.fromArray(data.uniform(maxCtx * latentRow, 1f));
        BFloat16Array kvB = data.bf16(rows * lora, (float) (2.0 / Math.sqrt(lora)));
        IntArray meta = meta(position, count);
        int visible = position + count;

        FloatArray kv = poisoned(maxCtx * rows);
        KernelDevices.launch(device, MlaHeadGemm.class, "expandCache",
                dims((rows + MlaHeadGemm.TILE_ROWS - 1) / MlaHeadGemm.TILE_ROWS * MlaHeadGemm.THREADS,
                        (maxCtx + MlaHeadGemm.TILE_TOKENS - 1) / MlaHeadGemm.TILE_TOKENS),
                dims(MlaHeadGemm.THREADS, 1), new KernelContext(), cache, kvB, kv, meta, rows, lora, latentRow);
        double[][] expanded = expand(cache, kvB, visible, rows, lora, latentRow);
        double kvErr = 0;
        for (int s = 0; s < visible; s++) {
            float[] expect = new float[rows];
            for (int r = 0; r < rows; r++) {
                expect[r] = (float) expanded[s][r];
            }
            kvErr = Math.max(kvErr, assertClose("expanded position " + s, expect, 0, kv, s * rows, rows, 1e-5, 1e-5));
        }
        assertAllNaN("expansion past the visible positions", kv, visible * rows, maxCtx * rows);

        // the graph's form of the expansion: the visible latents gathered into dense rows, then the chunk GEMM (SIMT
        // everywhere; the tensor-core GemmBf16Mma on the JVM and native-MMA devices, where kvLora % 4 == 0, small shapes)
        FloatArray latents = poisoned(maxCtx * lora);
        IntArray expandMeta = meta(-1, -1);
        KernelDevices.launch(device, MlaLatentGather.class, "apply",
                dims(NormAndProjectionKernelsTest.roundUp((long) maxCtx * lora, 64)), dims(64), new KernelContext(),
                cache, latents, meta, expandMeta, lora, latentRow);
        org.junit.jupiter.api.Assertions.assertEquals(0, expandMeta.get(KernelLimits.META_POSITION));
        org.junit.jupiter.api.Assertions.assertEquals(visible, expandMeta.get(KernelLimits.META_COUNT));
        assertAllNaN("gathered latents past the visible positions", latents, visible * lora, maxCtx * lora);
        // (GemmBf16Mma's own tests cover the real shapes; its JVM emulation of the 8192-row expansion takes minutes)
        boolean mmaGemm = lora % 4 == 0 && rows <= 2048 && (device.equals("java") || TornadoDevice.of(device).nativeMmaBf16());
        for (int variant = 0; variant < (mmaGemm ? 2 : 1); variant++) {
            FloatArray kvGemm = poisoned(maxCtx * rows);
            if (variant == 0) {
                KernelDevices.launch(device, GemmBf16Tiled.class, "gemm",
                        dims((rows + GemmBf16Tiled.TILE_ROWS - 1) / GemmBf16Tiled.TILE_ROWS * GemmBf16Tiled.THREADS,
                                (maxCtx + GemmBf16Tiled.TILE_TOKENS - 1) / GemmBf16Tiled.TILE_TOKENS),
                        dims(GemmBf16Tiled.THREADS, 1), new KernelContext(), kvB, 0, latents, kvGemm, expandMeta, rows, lora, 0);
            } else {
                KernelDevices.launch(device, GemmBf16Mma.class, "gemm",
                        dims((rows + GemmBf16Mma.TILE_ROWS - 1) / GemmBf16Mma.TILE_ROWS * GemmBf16Mma.THREADS,
                                (maxCtx + GemmBf16Mma.TILE_TOKENS - 1) / GemmBf16Mma.TILE_TOKENS),
                        dims(GemmBf16Mma.THREADS, 1), new KernelContext(), kvB, 0, latents, kvGemm, expandMeta, rows, lora, 0);
            }
            String which = variant == 0 ? "gather + GemmBf16Tiled" : "gather + GemmBf16Mma";
            for (int s = 0; s < visible; s++) {
                float[] expect = new float[rows];
                for (int r = 0; r < rows; r++) {
                    expect[r] = (float) expanded[s][r];
                }
                assertClose(which + " position " + s, expect, 0, kvGemm, s * rows, rows, 1e-5, 1e-5);
            }
            assertAllNaN(which + " past the visible positions", kvGemm, visible * rows, maxCtx * rows);
        }

        FloatArray out = poisoned(capacity * heads * vDim);
        long queryTiles = (capacity + MlaExpandedPrefill.QUERY_TILE - 1) / MlaExpandedPrefill.QUERY_TILE;
        KernelDevices.launch(device, MlaExpandedPrefill.class, "apply",
                dims(queryTiles * heads * MlaExpandedPrefill.THREADS), dims(MlaExpandedPrefill.THREADS),
                new KernelContext(), q, kv, cache, out, meta, heads, nope, rope, vDim, lora, scale);
        // the MMA form on the JVM (its exact mmaBf16 semantics) and on native-MMA devices; PoCL's build of the emulated
        // kernel (a barrier pair per MMA) takes many minutes, so it is not run there (the engine refuses that form there)
        boolean runMma = device.equals("java") || TornadoDevice.of(device).nativeMmaBf16();
        FloatArray mma = poisoned(capacity * heads * vDim);
        if (runMma) {
            KernelDevices.launch(device, MlaExpandedPrefillMma.class, "apply",
                    dims(queryTiles * heads * MlaExpandedPrefillMma.THREADS), dims(MlaExpandedPrefillMma.THREADS),
                    new KernelContext(), q, kv, cache, mma, meta, heads, nope, rope, vDim, lora, scale);
        } else {
            System.out.println("  MlaExpandedPrefillMma not run on " + device + " (emulated mmaBf16: its build takes minutes)");
        }
        FloatArray absorbed = absorbed(q, cache, kvB, meta, heads, nope, rope, vDim, lora, capacity, scale);

        double worst = 0;
        double worstAbsorbed = 0;
        double worstMma = 0;
        for (int t = 0; t < count; t++) {
            for (int h = 0; h < heads; h++) {
                float[] expect = attention(q, cache, expanded, t, h, position + t + 1, heads, nope, rope, vDim, lora);
                String what = "token " + t + " (position " + (position + t) + ") head " + h;
                int at = (t * heads + h) * vDim;
                worst = Math.max(worst, assertClose(what, expect, 0, out, at, vDim, 2e-5, 2e-4));
                if (runMma) {
                    worstMma = Math.max(worstMma, assertClose(what + " (MMA form)", expect, 0, mma, at, vDim, 2e-5, 2e-4));
                }
                worstAbsorbed = Math.max(worstAbsorbed, assertClose(what + " (absorbed kernels)", expect, 0, absorbed,
                        at, vDim, 2e-5, 2e-4));
            }
        }
        assertAllNaN("rows past the chunk's count", out, count * heads * vDim, capacity * heads * vDim);
        assertAllNaN("rows past the chunk's count (MMA form)", mma, runMma ? count * heads * vDim : 0, capacity * heads * vDim);
        System.out.println("  expansion max |Δ| " + kvErr + ", expanded attention " + worst + ", MMA form " + (runMma ? worstMma : "not run")
                + ", absorbed kernels " + worstAbsorbed);
    }

    /** The absorbed kernel chain of the prefill graph: q_absorb GEMM, MlaFlashPrefill (one split), value_up GEMM. */
    private FloatArray absorbed(FloatArray q, FloatArray cache, BFloat16Array kvB, IntArray meta, int heads, int nope,
                                int rope, int vDim, int lora, int capacity, float scale) {
        long tokenTiles = (capacity + MlaHeadGemm.TILE_TOKENS - 1) / MlaHeadGemm.TILE_TOKENS;
        FloatArray qLat = poisoned(capacity * heads * lora);
        KernelDevices.launch(device, MlaHeadGemm.class, "queryAbsorb",
                dims(heads * ((lora + MlaHeadGemm.TILE_ROWS - 1) / MlaHeadGemm.TILE_ROWS) * MlaHeadGemm.THREADS, tokenTiles),
                dims(MlaHeadGemm.THREADS, 1), new KernelContext(), q, kvB, qLat, meta, heads, nope, rope, vDim, lora);
        FloatArray latentCtx = poisoned(capacity * heads * lora);
        int headBlock = Math.min(MlaFlashAttention.MAX_HEAD_BLOCK, heads);
        int local = 64;
        long groups = (heads + headBlock - 1) / headBlock;
        KernelDevices.launch(device, MlaFlashPrefill.class, "apply", dims(groups * local, capacity), dims(local, 1),
                new KernelContext(), qLat, q, cache, poisoned(1), latentCtx, meta, heads, nope, rope, lora, headBlock,
                MlaFlashPrefill.MAX_KEY_TILE, 1, scale);
        FloatArray out = poisoned(capacity * heads * vDim);
        KernelDevices.launch(device, MlaHeadGemm.class, "valueUp",
                dims(heads * ((vDim + MlaHeadGemm.TILE_ROWS - 1) / MlaHeadGemm.TILE_ROWS) * MlaHeadGemm.THREADS, tokenTiles),
                dims(MlaHeadGemm.THREADS, 1), new KernelContext(), latentCtx, kvB, out, meta, heads, nope, vDim, lora);
        return out;
    }

    /** kv[s][r] = Σ_l kvB[r][l] · c_s[l] in float64 for the visible positions. */
    static double[][] expand(FloatArray cache, BFloat16Array kvB, int visible, int rows, int lora, int latentRow) {
        double[][] kv = new double[visible][rows];
        for (int s = 0; s < visible; s++) {
            for (int r = 0; r < rows; r++) {
                double acc = 0;
                for (int l = 0; l < lora; l++) {
                    acc += (double) kvB.getFloat(r * lora + l) * cache.get(s * latentRow + l);
                }
                kv[s][r] = acc;
            }
        }
        return kv;
    }

    /** softmax_s<visible((q_nope·k_nope(s) + q_rope·kr_s)·scale) · v(s) in float64 for token t, head h. */
    static float[] attention(FloatArray q, FloatArray cache, double[][] kv, int t, int h, int visible, int heads,
                             int nope, int rope, int vDim, int lora) {
        int qk = nope + rope;
        int kvRow = nope + vDim;
        double scale = 1.0 / Math.sqrt(qk);
        double[] scores = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < visible; s++) {
            double dot = 0;
            for (int n = 0; n < nope; n++) {
                dot += q.get((t * heads + h) * qk + n) * kv[s][h * kvRow + n];
            }
            for (int r = 0; r < rope; r++) {
                dot += (double) q.get((t * heads + h) * qk + nope + r) * cache.get(s * (lora + rope) + lora + r);
            }
            scores[s] = dot * scale;
            max = Math.max(max, scores[s]);
        }
        double sum = 0;
        for (int s = 0; s < visible; s++) {
            scores[s] = Math.exp(scores[s] - max);
            sum += scores[s];
        }
        float[] out = new float[vDim];
        for (int e = 0; e < vDim; e++) {
            double acc = 0;
            for (int s = 0; s < visible; s++) {
                acc += scores[s] * kv[s][h * kvRow + nope + e];
            }
            out[e] = (float) (acc / sum);
        }
        return out;
    }
}
