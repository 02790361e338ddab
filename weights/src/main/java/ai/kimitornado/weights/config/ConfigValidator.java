package ai.kimitornado.weights.config;

import java.util.List;

/** Consistency rules every {@link KimiLinearConfig} must satisfy, whatever layout it came from. */
final class ConfigValidator {
    private ConfigValidator() {
    }

    static void validate(KimiLinearConfig c, String source) {
        positive(source, "vocab_size", c.vocabSize());
        positive(source, "hidden_size", c.hiddenSize());
        positive(source, "num_hidden_layers", c.numHiddenLayers());
        positive(source, "intermediate_size", c.intermediateSize());
        positive(source, "moe_intermediate_size", c.moeIntermediateSize());
        positive(source, "num_experts", c.numExperts());
        positive(source, "num_experts_per_token", c.numExpertsPerToken());
        nonNegative(source, "num_shared_experts", c.numSharedExperts());
        nonNegative(source, "first_k_dense_replace", c.firstKDenseReplace());
        positive(source, "moe_layer_freq", c.moeLayerFreq());
        positive(source, "num_expert_group", c.numExpertGroup());
        positive(source, "topk_group", c.topkGroup());
        positive(source, "num_attention_heads", c.numAttentionHeads());
        positive(source, "kv_lora_rank", c.kvLoraRank());
        if (c.qLoraRank() != null) {
            positive(source, "q_lora_rank", c.qLoraRank());
        }
        positive(source, "qk_nope_head_dim", c.qkNopeHeadDim());
        nonNegative(source, "qk_rope_head_dim", c.qkRopeHeadDim());
        positive(source, "v_head_dim", c.vHeadDim());
        positive(source, "linear_attn_config.num_heads", c.kdaNumHeads());
        positive(source, "linear_attn_config.head_dim", c.kdaHeadDim());
        positive(source, "linear_attn_config.short_conv_kernel_size", c.shortConvKernelSize());
        if (c.modelMaxLength() <= 0) {
            fail(source, "model_max_length must be positive but is " + c.modelMaxLength());
        }
        if (!(c.rmsNormEps() > 0) || !Double.isFinite(c.rmsNormEps())) {
            fail(source, "rms_norm_eps must be a positive finite number but is " + c.rmsNormEps());
        }
        if (!(c.routedScalingFactor() > 0) || !Double.isFinite(c.routedScalingFactor())) {
            fail(source, "routed_scaling_factor must be a positive finite number but is " + c.routedScalingFactor());
        }
        checkRouting(c, source);
        if (!c.mlaUseNope()) {
            fail(source, "mla_use_nope is false: MLA with rotary embeddings is not Kimi Linear and is not supported;"
                    + " expected mla_use_nope = true (KIMI_LINEAR.md §0.3)");
        }
        checkLayers(c, source);
        checkTokens(c, source);
    }

    private static void checkRouting(KimiLinearConfig c, String source) {
        if (!"sigmoid".equals(c.moeRouterActivationFunc())) {
            fail(source, "moe_router_activation_func is '" + c.moeRouterActivationFunc()
                    + "'; expected 'sigmoid' (the only router scoring Kimi Linear uses)");
        }
        if (c.numExpertsPerToken() > c.numExperts()) {
            fail(source, "num_experts_per_token " + c.numExpertsPerToken() + " exceeds num_experts " + c.numExperts());
        }
        if (c.numExperts() % c.numExpertGroup() != 0) {
            fail(source, "num_experts " + c.numExperts() + " is not divisible by num_expert_group " + c.numExpertGroup());
        }
        if (c.topkGroup() > c.numExpertGroup()) {
            fail(source, "topk_group " + c.topkGroup() + " exceeds num_expert_group " + c.numExpertGroup());
        }
        long selectable = (long) c.topkGroup() * (c.numExperts() / c.numExpertGroup());
        if (c.useGroupedTopk() && c.numExpertsPerToken() > selectable) {
            fail(source, "num_experts_per_token " + c.numExpertsPerToken() + " exceeds the " + selectable
                    + " experts in the topk_group=" + c.topkGroup() + " selected groups");
        }
    }

    private static void checkLayers(KimiLinearConfig c, String source) {
        List<LayerKind> kinds = c.layerKinds();
        if (kinds.size() != c.numHiddenLayers()) {
            fail(source, "the layer table has " + kinds.size() + " entries; expected num_hidden_layers = "
                    + c.numHiddenLayers());
        }
        for (int i = 0; i < kinds.size(); i++) {
            if (kinds.get(i) == null) {
                fail(source, "layer " + i + " (0-based) has no attention kind");
            }
        }
    }

    private static void checkTokens(KimiLinearConfig c, String source) {
        tokenId(source, "bos_token_id", c.bosTokenId(), c.vocabSize());
        tokenId(source, "pad_token_id", c.padTokenId(), c.vocabSize());
        if (c.eosTokenIds().isEmpty()) {
            fail(source, "eos_token_id is empty; expected at least one id");
        }
        for (Integer eos : c.eosTokenIds()) {
            if (eos == null) {
                fail(source, "eos_token_id contains null");
            }
            tokenId(source, "eos_token_id", eos, c.vocabSize());
        }
    }

    private static void tokenId(String source, String key, int id, int vocab) {
        if (id < 0 || id >= vocab) {
            fail(source, key + " = " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    private static void positive(String source, String key, int v) {
        if (v <= 0) {
            fail(source, key + " must be positive but is " + v);
        }
    }

    private static void nonNegative(String source, String key, int v) {
        if (v < 0) {
            fail(source, key + " must be >= 0 but is " + v);
        }
    }

    static void fail(String source, String message) {
        throw new ConfigException(source + ": " + message);
    }
}
