package ai.kimitornado.weights.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Writes a config in the published config.json layout (key order of the real checkpoint, KIMI_LINEAR.md §1). */
final class ConfigJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ConfigJson() {
    }

    static String published(KimiLinearConfig c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.putArray("architectures").add("KimiLinearForCausalLM");
        o.put("model_type", "kimi_linear");
        o.put("dtype", "bfloat16");
        o.put("vocab_size", c.vocabSize());
        o.put("hidden_size", c.hiddenSize());
        o.put("num_hidden_layers", c.numHiddenLayers());
        o.put("num_attention_heads", c.numAttentionHeads());
        o.put("num_key_value_heads", c.numAttentionHeads());
        o.put("hidden_act", "silu");
        o.put("intermediate_size", c.intermediateSize());
        o.put("moe_intermediate_size", c.moeIntermediateSize());
        o.put("num_experts", c.numExperts());
        o.put("num_experts_per_token", c.numExpertsPerToken());
        o.put("num_shared_experts", c.numSharedExperts());
        o.put("moe_layer_freq", c.moeLayerFreq());
        o.put("first_k_dense_replace", c.firstKDenseReplace());
        o.put("moe_renormalize", c.moeRenormalize());
        o.put("moe_router_activation_func", c.moeRouterActivationFunc());
        o.put("routed_scaling_factor", c.routedScalingFactor());
        o.put("use_grouped_topk", c.useGroupedTopk());
        o.put("num_expert_group", c.numExpertGroup());
        o.put("topk_group", c.topkGroup());
        if (c.qLoraRank() == null) {
            o.putNull("q_lora_rank");
        } else {
            o.put("q_lora_rank", c.qLoraRank());
        }
        o.put("kv_lora_rank", c.kvLoraRank());
        o.put("qk_nope_head_dim", c.qkNopeHeadDim());
        o.put("qk_rope_head_dim", c.qkRopeHeadDim());
        o.put("v_head_dim", c.vHeadDim());
        o.put("mla_use_nope", c.mlaUseNope());
        ObjectNode linear = o.putObject("linear_attn_config");
        ArrayNode full = linear.putArray("full_attn_layers");
        ArrayNode kda = linear.putArray("kda_layers");
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            (c.isMla(i) ? full : kda).add(i + 1); // the published lists are 1-based
        }
        linear.put("head_dim", c.kdaHeadDim());
        linear.put("num_heads", c.kdaNumHeads());
        linear.put("short_conv_kernel_size", c.shortConvKernelSize());
        o.put("model_max_length", c.modelMaxLength());
        o.put("rms_norm_eps", c.rmsNormEps());
        o.put("tie_word_embeddings", c.tieWordEmbeddings());
        o.put("bos_token_id", c.bosTokenId());
        if (c.eosTokenIds().size() == 1) {
            o.put("eos_token_id", c.eosTokenIds().getFirst());
        } else {
            ArrayNode eos = o.putArray("eos_token_id");
            c.eosTokenIds().forEach(eos::add);
        }
        o.put("pad_token_id", c.padTokenId());
        o.put("num_nextn_predict_layers", 0);
        o.put("use_cache", true);
        try {
            return MAPPER.writeValueAsString(o) + "\n";
        } catch (JacksonException e) {
            throw new ConfigException("cannot encode config.json: " + e.getOriginalMessage(), e);
        }
    }
}
