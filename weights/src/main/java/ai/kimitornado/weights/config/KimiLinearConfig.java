package ai.kimitornado.weights.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Kimi Linear hyper-parameters ({@code KIMI_LINEAR.md} §1), validated. Read from either config.json layout:
 * the published one ({@code linear_attn_config} with 1-based layer lists) or the transformers one
 * ({@code layer_types}, {@code mlp_layer_types}, {@code linear_*}). {@code layerKinds} is 0-based.
 */
public record KimiLinearConfig(
        int vocabSize, int hiddenSize, int numHiddenLayers, int intermediateSize, int moeIntermediateSize,
        int numExperts, int numExpertsPerToken, int numSharedExperts, int firstKDenseReplace, int moeLayerFreq,
        boolean moeRenormalize, String moeRouterActivationFunc, double routedScalingFactor, boolean useGroupedTopk,
        int numExpertGroup, int topkGroup,
        int numAttentionHeads, int kvLoraRank, Integer qLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim,
        boolean mlaUseNope,
        int kdaNumHeads, int kdaHeadDim, int shortConvKernelSize, List<LayerKind> layerKinds, double rmsNormEps,
        boolean tieWordEmbeddings, int bosTokenId, List<Integer> eosTokenIds, int padTokenId, long modelMaxLength) {

    /** Classpath resource holding the real Kimi-Linear-48B-A3B-Instruct config.json. */
    public static final String REAL_48B_RESOURCE = "/ai/kimitornado/weights/config/kimi-linear-48b-a3b-instruct.config.json";
    /** Classpath resource: the tiny-a fixture's architecture with the real vocabulary and special-token ids. */
    public static final String TINY_DEMO_RESOURCE = "/ai/kimitornado/weights/config/kimi-linear-tiny-demo.config.json";

    /** Validates (ConfigException on any inconsistency); written out in full so validation sees assigned fields. */
    public KimiLinearConfig(
        int vocabSize, int hiddenSize, int numHiddenLayers, int intermediateSize, int moeIntermediateSize,
        int numExperts, int numExpertsPerToken, int numSharedExperts, int firstKDenseReplace, int moeLayerFreq,
        boolean moeRenormalize, String moeRouterActivationFunc, double routedScalingFactor, boolean useGroupedTopk,
        int numExpertGroup, int topkGroup,
        int numAttentionHeads, int kvLoraRank, Integer qLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim,
        boolean mlaUseNope,
        int kdaNumHeads, int kdaHeadDim, int shortConvKernelSize, List<LayerKind> layerKinds, double rmsNormEps,
        boolean tieWordEmbeddings, int bosTokenId, List<Integer> eosTokenIds, int padTokenId, long modelMaxLength) {
        this.vocabSize = vocabSize;
        this.hiddenSize = hiddenSize;
        this.numHiddenLayers = numHiddenLayers;
        this.intermediateSize = intermediateSize;
        this.moeIntermediateSize = moeIntermediateSize;
        this.numExperts = numExperts;
        this.numExpertsPerToken = numExpertsPerToken;
        this.numSharedExperts = numSharedExperts;
        this.firstKDenseReplace = firstKDenseReplace;
        this.moeLayerFreq = moeLayerFreq;
        this.moeRenormalize = moeRenormalize;
        this.moeRouterActivationFunc = moeRouterActivationFunc;
        this.routedScalingFactor = routedScalingFactor;
        this.useGroupedTopk = useGroupedTopk;
        this.numExpertGroup = numExpertGroup;
        this.topkGroup = topkGroup;
        this.numAttentionHeads = numAttentionHeads;
        this.kvLoraRank = kvLoraRank;
        this.qLoraRank = qLoraRank;
        this.qkNopeHeadDim = qkNopeHeadDim;
        this.qkRopeHeadDim = qkRopeHeadDim;
        this.vHeadDim = vHeadDim;
        this.mlaUseNope = mlaUseNope;
        this.kdaNumHeads = kdaNumHeads;
        this.kdaHeadDim = kdaHeadDim;
        this.shortConvKernelSize = shortConvKernelSize;
        this.rmsNormEps = rmsNormEps;
        this.tieWordEmbeddings = tieWordEmbeddings;
        this.bosTokenId = bosTokenId;
        this.padTokenId = padTokenId;
        this.modelMaxLength = modelMaxLength;
        this.layerKinds = List.copyOf(layerKinds);
        this.eosTokenIds = List.copyOf(eosTokenIds);
        ConfigValidator.validate(this, "KimiLinearConfig");
    }

    public boolean isKda(int layer) {
        return layerKinds.get(checkLayer(layer)) == LayerKind.KDA;
    }

    public boolean isMla(int layer) {
        return layerKinds.get(checkLayer(layer)) == LayerKind.MLA;
    }

    /** MoE feed-forward (else the dense SwiGLU MLP of width {@code intermediateSize}). */
    public boolean isMoe(int layer) {
        checkLayer(layer);
        return layer >= firstKDenseReplace && layer % moeLayerFreq == 0;
    }

    /** Per-head query/key width of MLA (nope + rope part). */
    public int qkHeadDim() {
        return qkNopeHeadDim + qkRopeHeadDim;
    }

    /** KDA projection width: heads × head dim. */
    public int kdaProjectionDim() {
        return kdaNumHeads * kdaHeadDim;
    }

    /** Width of the shared-expert MLP (all shared experts fused into one SwiGLU). */
    public int sharedExpertIntermediateSize() {
        return moeIntermediateSize * numSharedExperts;
    }

    private int checkLayer(int layer) {
        if (layer < 0 || layer >= numHiddenLayers) {
            throw new IndexOutOfBoundsException("layer " + layer + " outside [0, " + numHiddenLayers + ")");
        }
        return layer;
    }

    public static KimiLinearConfig load(Path configJson) {
        String text;
        try {
            text = Files.readString(configJson, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(configJson + ": cannot read: " + e, e);
        }
        return parse(text, configJson.toString());
    }

    public static KimiLinearConfig parse(String json, String sourceName) {
        return ConfigParser.parse(json, sourceName);
    }

    /** The real 48B-A3B config, bundled so the full-size layout is available without a checkpoint. */
    public static KimiLinearConfig real48B() {
        return resource(REAL_48B_RESOURCE);
    }

    /**
     * A tiny model for demos and {@code make-tiny}: hidden 64, 4 layers (KDA, KDA, KDA, MLA), 8 experts, like the
     * tiny-a fixture, but with the real 163,840-token vocabulary and special-token ids so the real tokenizer and
     * chat template work with it (the embedding and lm_head dominate its ~42 MB of bf16 weights).
     */
    public static KimiLinearConfig tinyDemo() {
        return resource(TINY_DEMO_RESOURCE);
    }

    private static KimiLinearConfig resource(String name) {
        try (InputStream in = KimiLinearConfig.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new ConfigException("classpath resource " + name + " is missing from the weights jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + name);
        } catch (IOException e) {
            throw new ConfigException("classpath:" + name + ": cannot read: " + e, e);
        }
    }

    /** This config as config.json in the published layout (what the real checkpoint ships). */
    public String toPublishedJson() {
        return ConfigJson.published(this);
    }
}
