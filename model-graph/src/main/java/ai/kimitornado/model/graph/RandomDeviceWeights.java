package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.RandomFill;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ModelWeights} in the real shapes of a config with seeded random values generated <b>on the device</b>:
 * every array wraps unreserved anonymous host memory ({@link AnonymousMemory}, no RAM until touched) and is never
 * transferred; an init graph of {@link RandomFill} launches (run once, in the same plan as prefill/decode, so the
 * buffers are shared by identity) writes the values. Tensor t's stream key is SplitMix64(seed + t·φ), so two
 * engines with the same seed hold identical weights. Scales mirror the checkpoint writer's RandomWeights (uniform
 * with the same standard deviation): projections 1/√fan_in (residual outputs o_proj/down/w2 further × 1/√(2L)),
 * norms 1 ± 0.05, embeddings std 1, conv 1/√W, A_log ∈ [0, ln 16], dt_bias ≈ ln dt for dt ∈ [1e-3, 1e-1],
 * e_score_correction_bias std 0.05.
 */
public final class RandomDeviceWeights implements AutoCloseable {
    private static final float SQRT3 = (float) Math.sqrt(3.0);

    /** One array's fill: element i = RandomFill.value(i, keyLo, keyHi, center, halfWidth) (bf16-rounded for bf16). */
    public record Fill(String name, NativeArray array, int keyLo, int keyHi, float center, float halfWidth) {
        /** The value the device must hold at element i (host recomputation of the kernel). */
        public float expected(int i) {
            float v = RandomFill.value(i, keyLo, keyHi, center, halfWidth);
            return array instanceof BFloat16Array ? Float.intBitsToFloat(RandomFill.toBf16Bits(v) << 16) : v;
        }
    }

    private final ModelWeights weights;
    private final List<Fill> fills;
    private final List<MemorySegment> mapped;

    private RandomDeviceWeights(ModelWeights weights, List<Fill> fills, List<MemorySegment> mapped) {
        this.weights = weights;
        this.fills = fills;
        this.mapped = mapped;
    }

    public ModelWeights weights() {
        return weights;
    }

    /** Every filled array in fill order (tensor ids are the indices). */
    public List<Fill> fills() {
        return fills;
    }

    public static RandomDeviceWeights create(KimiLinearConfig config, ModelDims d, long seed) {
        Generator g = new Generator(seed);
        try {
            return g.build(config, d);
        } catch (RuntimeException e) {
            g.mapped.forEach(AnonymousMemory::unmap);
            throw e;
        }
    }

    /**
     * The init graph: one grid-stride {@link RandomFill} launch per array. {@code maxLocal} as for the forward graphs
     * (1 on the JVM: few single-item groups; 256 on GPUs: up to 1024 groups, enough to saturate an H200).
     */
    public ForwardGraph initGraph(int maxLocal) {
        KernelContext ctx = new KernelContext();
        List<KernelLaunch> launches = new ArrayList<>();
        long groupsCap = maxLocal == 1 ? 16 : 1024;
        for (int t = 0; t < fills.size(); t++) {
            Fill f = fills.get(t);
            int n = f.array().getSize();
            long global = Math.min(ForwardGraphBuilder.roundUp(n, maxLocal), groupsCap * maxLocal);
            String method = f.array() instanceof BFloat16Array ? "bf16" : "fp32";
            launches.add(new KernelLaunch("fill" + t, Kernels.of(RandomFill.class, method),
                    new Object[] {ctx, f.array(), n, f.keyLo(), f.keyHi(), f.center(), f.halfWidth()},
                    new long[] {global}, new long[] {maxLocal}));
        }
        return new ForwardGraph("init_random_weights", 0, List.copyOf(launches), List.of(), List.of(), List.of(), List.of());
    }

    /** Releases the host address space (after the plan that used the arrays is closed). */
    @Override
    public void close() {
        for (MemorySegment s : mapped) {
            AnonymousMemory.unmap(s);
        }
        mapped.clear();
    }

    private static final class Generator {
        final long seed;
        final List<Fill> fills = new ArrayList<>();
        final List<MemorySegment> mapped = new ArrayList<>();
        float residualDamping;

        Generator(long seed) {
            this.seed = seed;
        }

        RandomDeviceWeights build(KimiLinearConfig config, ModelDims d) {
            residualDamping = (float) (1.0 / Math.sqrt(2.0 * d.layers()));
            int hd = d.hidden();
            BFloat16Array embedding = bf16("embed_tokens", (long) d.vocab() * hd, 0f, SQRT3);
            BFloat16Array lmHead = config.tieWordEmbeddings() ? embedding : linear("lm_head", d.vocab(), hd, false);
            BFloat16Array finalNorm = norm("norm", hd);
            List<ModelWeights.Layer> layers = new ArrayList<>();
            for (int l = 0; l < d.layers(); l++) {
                String p = "layers." + l + ".";
                ModelWeights.Kda kda = config.isKda(l) ? kda(d, p) : null;
                ModelWeights.Mla mla = config.isMla(l) ? mla(d, p) : null;
                ModelWeights.Mlp dense = null;
                ModelWeights.Moe moe = null;
                if (config.isMoe(l)) {
                    moe = moe(d, p);
                } else {
                    dense = new ModelWeights.Mlp(linear(p + "gate_proj", d.denseInter(), hd, false),
                            linear(p + "up_proj", d.denseInter(), hd, false),
                            linear(p + "down_proj", hd, d.denseInter(), true));
                }
                layers.add(new ModelWeights.Layer(norm(p + "input_layernorm", hd), norm(p + "post_attention_layernorm", hd),
                        kda, mla, dense, moe));
            }
            ModelWeights w = new ModelWeights(embedding, List.copyOf(layers), finalNorm, lmHead);
            return new RandomDeviceWeights(w, List.copyOf(fills), mapped);
        }

        private ModelWeights.Kda kda(ModelDims d, String p) {
            int c = d.kdaChannels();
            int dk = d.kdaHeadDim();
            int hd = d.hidden();
            float convHalf = SQRT3 / (float) Math.sqrt(d.convWidth());
            float aLogMax = (float) Math.log(16.0);
            float dtLo = (float) Math.log(1e-3);
            float dtHi = (float) Math.log(1e-1);
            return new ModelWeights.Kda(linear(p + "q_proj", c, hd, false), linear(p + "k_proj", c, hd, false),
                    linear(p + "v_proj", c, hd, false),
                    bf16(p + "q_conv1d", (long) c * d.convWidth(), 0f, convHalf),
                    bf16(p + "k_conv1d", (long) c * d.convWidth(), 0f, convHalf),
                    bf16(p + "v_conv1d", (long) c * d.convWidth(), 0f, convHalf),
                    linear(p + "f_a_proj", dk, hd, false), linear(p + "f_b_proj", c, dk, false),
                    fp32(p + "dt_bias", c, (dtLo + dtHi) / 2, (dtHi - dtLo) / 2),
                    fp32(p + "A_log", d.kdaHeads(), aLogMax / 2, aLogMax / 2),
                    linear(p + "b_proj", d.kdaHeads(), hd, false),
                    linear(p + "g_a_proj", dk, hd, false), linear(p + "g_b_proj", c, dk, false),
                    norm(p + "o_norm", dk), linear(p + "o_proj", hd, c, true));
        }

        private ModelWeights.Mla mla(ModelDims d, String p) {
            int hd = d.hidden();
            return new ModelWeights.Mla(linear(p + "q_proj", d.mlaQueryWidth(), hd, false),
                    linear(p + "kv_a_proj_with_mqa", d.latentRow(), hd, false),
                    norm(p + "kv_a_layernorm", d.kvLora()),
                    linear(p + "kv_b_proj", d.mlaHeads() * (d.nope() + d.vDim()), d.kvLora(), false),
                    linear(p + "o_proj", hd, d.mlaHeads() * d.vDim(), true));
        }

        private ModelWeights.Moe moe(ModelDims d, String p) {
            int e = d.experts();
            int inter = d.moeInter();
            int hd = d.hidden();
            long slots = e + d.sharedExperts();
            float upHalf = SQRT3 / (float) Math.sqrt(hd);
            float downHalf = residualDamping * SQRT3 / (float) Math.sqrt(inter);
            return new ModelWeights.Moe(linear(p + "gate", e, hd, false),
                    fp32(p + "e_score_correction_bias", e, 0f, 0.05f * SQRT3),
                    bf16(p + "experts.w1", slots * inter * hd, 0f, upHalf),   // [(E+shared) * I * D]
                    bf16(p + "experts.w3", slots * inter * hd, 0f, upHalf),   // [(E+shared) * I * D]
                    bf16(p + "experts.w2", slots * hd * inter, 0f, downHalf)); // [(E+shared) * D * I]
        }

        /** A [rows, cols] projection: std 1/√cols, residual outputs further damped by 1/√(2L). */
        private BFloat16Array linear(String name, int rows, int cols, boolean residualOutput) {
            float half = (residualOutput ? residualDamping : 1f) * SQRT3 / (float) Math.sqrt(cols);
            return bf16(name, (long) rows * cols, 0f, half);
        }

        private BFloat16Array norm(String name, int n) {
            return bf16(name, n, 1f, 0.05f * SQRT3);
        }

        private BFloat16Array bf16(String name, long n, float center, float half) {
            BFloat16Array a = BFloat16Array.fromSegment(map(name, n, BFloat16Array.ELEMENT_BYTES));
            add(name, a, center, half);
            return a;
        }

        private FloatArray fp32(String name, long n, float center, float half) {
            FloatArray a = FloatArray.fromSegment(map(name, n, Float.BYTES));
            add(name, a, center, half);
            return a;
        }

        private MemorySegment map(String name, long n, int elementBytes) {
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("RandomDeviceWeights: tensor " + name + " has " + n
                        + " elements, more than int indexing allows");
            }
            MemorySegment s = AnonymousMemory.map(n * elementBytes, "random weight " + name);
            mapped.add(s);
            return s;
        }

        private void add(String name, NativeArray a, float center, float half) {
            long k = splitMix64(seed + fills.size() * 0x9E3779B97F4A7C15L);
            fills.add(new Fill(name, a, (int) k, (int) (k >>> 32), center, half));
        }
    }

    static long splitMix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
