package ai.kimitornado.model.reference;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The plain-Java reference forward of Kimi Linear (the oracle). Weights are widened to float at load time
 * ({@link #load}) or read in place from the memory-mapped checkpoint ({@link #open}); bf16 → float is exact, so
 * both give identical results. All dot products accumulate in double; the KDA state is double.
 * <pre>
 *   h = E[id];  for each layer: h = DecoderLayer(h);  logits = lm_head · RMSNorm(h; model.norm)
 * </pre>
 * Thread-safety: the model is immutable; a {@link ReferenceSession} is single-threaded.
 */
public final class ReferenceModel implements AutoCloseable {
    private final KimiLinearConfig config;
    private SafeTensors mapped;              // the open checkpoint when matrices are views, else null
    private final Matrix embedding;          // [V, D]
    private final List<DecoderLayer> layers;
    private final float[] finalNorm;         // [D]
    private final Matrix lmHead;             // [V, D]

    private ReferenceModel(KimiLinearConfig config, Matrix embedding, List<DecoderLayer> layers, float[] finalNorm,
                           Matrix lmHead) {
        this.config = config;
        this.embedding = embedding;
        this.layers = List.copyOf(layers);
        this.finalNorm = finalNorm;
        this.lmHead = lmHead;
    }

    /**
     * Loads {@code dir/config.json} and the checkpoint in {@code dir} (single file or sharded), widening every
     * weight to a float copy (4 bytes per parameter: for tiny and small models).
     */
    public static ReferenceModel load(Path dir) {
        KimiLinearConfig config = KimiLinearConfig.load(dir.resolve("config.json"));
        try (SafeTensors tensors = SafeTensors.open(dir)) {
            return fromCheckpoint(config, tensors);
        }
    }

    /**
     * Opens {@code dir} keeping the weight matrices as zero-copy views of the memory-mapped files (for the 48B
     * checkpoint). The files stay open until {@link #close()}.
     */
    public static ReferenceModel open(Path dir) {
        KimiLinearConfig config = KimiLinearConfig.load(dir.resolve("config.json"));
        SafeTensors tensors = SafeTensors.open(dir);
        try {
            ReferenceModel model = build(config, new WeightLoader(tensors, false));
            model.mapped = tensors;
            return model;
        } catch (RuntimeException e) {
            tensors.close();
            throw e;
        }
    }

    /** Reads and widens every weight; {@code tensors} may be closed afterwards. */
    public static ReferenceModel fromCheckpoint(KimiLinearConfig config, SafeTensors tensors) {
        return build(config, new WeightLoader(tensors, true));
    }

    /** Closes the mapped checkpoint of a model made by {@link #open}; a no-op for widened models. */
    @Override
    public void close() {
        if (mapped != null) {
            mapped.close();
            mapped = null;
        }
    }

    private static ReferenceModel build(KimiLinearConfig config, WeightLoader w) {
        if (config.qLoraRank() != null) {
            throw new IllegalArgumentException("ReferenceModel: q_lora_rank " + config.qLoraRank()
                    + " is not supported; Kimi Linear uses a plain q_proj (q_lora_rank null)");
        }
        if (!config.mlaUseNope()) {
            throw new IllegalArgumentException("ReferenceModel: mla_use_nope false (RoPE MLA) is not supported");
        }
        int hidden = config.hiddenSize();
        int vocab = config.vocabSize();
        Matrix embedding = w.matrix("model.embed_tokens.weight", vocab, hidden);
        Matrix lmHead = config.tieWordEmbeddings() && !w.contains("lm_head.weight")
                ? embedding
                : w.matrix("lm_head.weight", vocab, hidden);
        float[] finalNorm = w.flat("model.norm.weight", hidden);
        List<DecoderLayer> layers = new ArrayList<>();
        for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
            layers.add(loadLayer(config, w, layer));
        }
        return new ReferenceModel(config, embedding, layers, finalNorm, lmHead);
    }

    private static DecoderLayer loadLayer(KimiLinearConfig config, WeightLoader w, int layer) {
        String p = "model.layers." + layer + ".";
        int hidden = config.hiddenSize();
        float[] inputNorm = w.flat(p + "input_layernorm.weight", hidden);
        float[] postNorm = w.flat(p + "post_attention_layernorm.weight", hidden);
        KimiDeltaAttention kda = config.isKda(layer) ? loadKda(config, w, p + "self_attn.") : null;
        MultiHeadLatentAttention mla = config.isMla(layer) ? loadMla(config, w, p + "self_attn.") : null;
        SwiGluMlp dense = null;
        MoeBlock moe = null;
        if (config.isMoe(layer)) {
            moe = loadMoe(config, w, p + "block_sparse_moe.");
        } else {
            // The real checkpoint names the dense MLP "mlp."; checkpoints converted back from transformers
            // (e.g. fixtures/tiny-a) name it "block_sparse_moe." — accept both.
            String prefix = w.contains(p + "mlp.gate_proj.weight") ? p + "mlp." : p + "block_sparse_moe.";
            dense = loadMlp(w, prefix, "gate_proj", "up_proj", "down_proj", hidden, config.intermediateSize());
        }
        return new DecoderLayer(layer, config.rmsNormEps(), inputNorm, postNorm, kda, mla, dense, moe);
    }

    private static KimiDeltaAttention loadKda(KimiLinearConfig config, WeightLoader w, String p) {
        int hidden = config.hiddenSize();
        int heads = config.kdaNumHeads();
        int dim = config.kdaHeadDim();
        int channels = heads * dim;
        int kernel = config.shortConvKernelSize();
        return new KimiDeltaAttention(heads, dim, kernel, config.rmsNormEps(),
                w.matrix(p + "q_proj.weight", channels, hidden),
                w.matrix(p + "k_proj.weight", channels, hidden),
                w.matrix(p + "v_proj.weight", channels, hidden),
                w.flat(p + "q_conv1d.weight", channels, kernel),
                w.flat(p + "k_conv1d.weight", channels, kernel),
                w.flat(p + "v_conv1d.weight", channels, kernel),
                w.matrix(p + "f_a_proj.weight", dim, hidden),
                w.matrix(p + "f_b_proj.weight", channels, dim),
                w.flat(p + "dt_bias", channels),
                w.flat(p + "A_log", heads),
                w.matrix(p + "b_proj.weight", heads, hidden),
                w.matrix(p + "g_a_proj.weight", dim, hidden),
                w.matrix(p + "g_b_proj.weight", channels, dim),
                w.flat(p + "o_norm.weight", dim),
                w.matrix(p + "o_proj.weight", hidden, channels));
    }

    private static MultiHeadLatentAttention loadMla(KimiLinearConfig config, WeightLoader w, String p) {
        int hidden = config.hiddenSize();
        int heads = config.numAttentionHeads();
        int nope = config.qkNopeHeadDim();
        int rope = config.qkRopeHeadDim();
        int value = config.vHeadDim();
        int lora = config.kvLoraRank();
        return new MultiHeadLatentAttention(heads, nope, rope, value, lora, MultiHeadLatentAttention.KV_A_LAYERNORM_EPS,
                w.matrix(p + "q_proj.weight", heads * (nope + rope), hidden),
                w.matrix(p + "kv_a_proj_with_mqa.weight", lora + rope, hidden),
                w.flat(p + "kv_a_layernorm.weight", lora),
                w.matrix(p + "kv_b_proj.weight", heads * (nope + value), lora),
                w.matrix(p + "o_proj.weight", hidden, heads * value));
    }

    private static MoeBlock loadMoe(KimiLinearConfig config, WeightLoader w, String p) {
        int hidden = config.hiddenSize();
        int experts = config.numExperts();
        Matrix gate = w.matrix(p + "gate.weight", experts, hidden);
        String biasName = p + "gate.e_score_correction_bias";
        float[] bias = w.contains(biasName) ? w.flat(biasName, experts) : new float[experts];
        MoeRouter router = new MoeRouter(gate, bias, config.numExpertsPerToken(), config.moeRenormalize(),
                config.routedScalingFactor(), config.moeRouterActivationFunc(), config.useGroupedTopk(),
                config.numExpertGroup(), config.topkGroup());
        List<SwiGluMlp> routed = new ArrayList<>(experts);
        for (int e = 0; e < experts; e++) {
            routed.add(loadMlp(w, p + "experts." + e + ".", "w1", "w3", "w2", hidden, config.moeIntermediateSize()));
        }
        SwiGluMlp shared = config.numSharedExperts() > 0
                ? loadMlp(w, p + "shared_experts.", "gate_proj", "up_proj", "down_proj", hidden,
                        config.sharedExpertIntermediateSize())
                : null;
        return new MoeBlock(router, routed, shared);
    }

    private static SwiGluMlp loadMlp(WeightLoader w, String p, String gate, String up, String down, int hidden,
                                     int inter) {
        return new SwiGluMlp(w.matrix(p + gate + ".weight", inter, hidden), w.matrix(p + up + ".weight", inter, hidden),
                w.matrix(p + down + ".weight", hidden, inter));
    }

    public KimiLinearConfig config() {
        return config;
    }

    public ReferenceSession newSession() {
        return new ReferenceSession(this, ReferenceOptions.defaults());
    }

    public ReferenceSession newSession(ReferenceOptions options) {
        return new ReferenceSession(this, options);
    }

    /** One full forward over {@code ids} from an empty state: logits at every position, [T][V]. */
    public float[][] forward(int[] ids) {
        return newSession().prefillAll(ids);
    }

    /** Logits [T][V] and hidden states [layers+1][T][D] (embedding, then after each layer) of one full forward. */
    public ForwardResult forwardWithHiddenStates(int[] ids) {
        ReferenceSession session = newSession(ReferenceOptions.defaults().withCaptureHiddenStates(true));
        float[][] logits = session.prefillAll(ids);
        return new ForwardResult(logits, session.lastHiddenStates());
    }

    /** Result of {@link #forwardWithHiddenStates}: logits [T][V], hidden [layers+1][T][D]. */
    public record ForwardResult(float[][] logits, float[][][] hiddenStates) {
    }

    // ---- used by ReferenceSession ----

    List<DecoderLayer> layers() {
        return layers;
    }

    /** h = E[id], [D] (a copy). */
    float[] embed(int id) {
        if (id < 0 || id >= config.vocabSize()) {
            throw new IllegalArgumentException("ReferenceModel.embed: token id " + id + " outside the vocabulary [0, "
                    + config.vocabSize() + ")");
        }
        float[] row = new float[config.hiddenSize()];
        embedding.row(id, row);
        return row;
    }

    /** RMSNorm(h; model.norm), h [D] → new [D] (what transformers reports as the last hidden state). */
    public float[] finalNorm(float[] h) {
        return RmsNorm.apply(h, finalNorm, config.rmsNormEps());
    }

    /** logits = lm_head · RMSNorm(h; model.norm), h [D] → [V]. */
    float[] logits(float[] h) {
        float[] normed = finalNorm(h);
        float[] out = new float[lmHead.rows()];
        lmHead.matVec(normed, out);
        return out;
    }
}
