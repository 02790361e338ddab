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
        try (InputStream in = KimiLinearConfig.class.getResourceAsStream(REAL_48B_RESOURCE)) {
            if (in == null) {
                throw new ConfigException("classpath resource " + REAL_48B_RESOURCE + " is missing from the weights jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + REAL_48B_RESOURCE);
        } catch (IOException e) {
            throw new ConfigException("classpath:" + REAL_48B_RESOURCE + ": cannot read: " + e, e);
        }
    }

    /** This config as config.json in the published layout (what the real checkpoint ships). */
    public String toPublishedJson() {
        return ConfigJson.published(this);
    }
}
