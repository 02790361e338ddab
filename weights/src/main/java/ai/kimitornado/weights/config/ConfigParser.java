package ai.kimitornado.weights.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads config.json in either layout into a {@link KimiLinearConfig}.
 *
 * <p>Key names: the published checkpoint's names are canonical; the transformers 5.x {@code KimiLinearConfig}
 * names are accepted as aliases (its {@code attribute_map}: num_local_experts, num_experts_per_tok, n_shared_experts,
 * n_group, norm_topk_prob, max_position_embeddings; and its fields layer_types, mlp_layer_types, linear_head_dim,
 * linear_num_heads, linear_conv_kernel_dim — names confirmed in transformers' configuration_kimi_linear.py). When
 * a value is given under two names, the two must agree. The top-level {@code head_dim} is ignored: no code path of
 * the model uses it (it is 72 in the real config, and transformers overwrites it with qk_rope_head_dim).
 */
final class ConfigParser {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final JsonNode root;
    private final String source;

    private ConfigParser(JsonNode root, String source) {
        this.root = root;
        this.source = source;
    }

    static KimiLinearConfig parse(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new ConfigException(source + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected a JSON object at the top level");
        }
        return new ConfigParser(root, source).build();
    }

    private KimiLinearConfig build() {
        rejectUnsupportedFeatures();
        int layers = requiredInt("num_hidden_layers");
        int heads = requiredInt("num_attention_heads");
        optionalInt("num_key_value_heads").ifPresent(kv -> {
            if (kv != heads) {
                fail("num_key_value_heads = " + kv + " but num_attention_heads = " + heads
                        + "; MLA expands its latent to every head, expected them equal");
            }
        });
        int qkRope = requiredInt("qk_rope_head_dim");
        JsonNode linear = root.get("linear_attn_config");
        if (linear != null && !linear.isNull() && !linear.isObject()) {
            fail("linear_attn_config must be an object but is " + linear.getNodeType());
        }
        boolean hasLinear = linear != null && linear.isObject();
        int kdaHeads = aliasedNested(linear, "num_heads", "linear_num_heads");
        int kdaHeadDim = aliasedNested(linear, "head_dim", "linear_head_dim");
        int convKernel = aliasedNested(linear, "short_conv_kernel_size", "linear_conv_kernel_dim");
        List<LayerKind> kinds = LayerTable.attentionKinds(root, hasLinear ? linear : null, layers, source);
        int[] dense = LayerTable.moeSchedule(root, layers, source);
        // transformers' native port hard-codes the sigmoid router and grouped top-k and has no such keys.
        String routerFunc = optionalText("moe_router_activation_func", "sigmoid");
        boolean groupedTopk = optionalBoolean("use_grouped_topk", true);
        // transformers infers NoPE only from qk_rope_head_dim == 0 when the key is absent.
        boolean mlaUseNope = optionalBoolean("mla_use_nope", qkRope == 0);
        try {
            return new KimiLinearConfig(
                    requiredInt("vocab_size"), requiredInt("hidden_size"), layers, requiredInt("intermediate_size"),
                    requiredInt("moe_intermediate_size"),
                    requiredInt("num_experts", "num_local_experts"),
                    requiredInt("num_experts_per_token", "num_experts_per_tok"),
                    requiredInt("num_shared_experts", "n_shared_experts"),
                    dense[0], dense[1],
                    requiredBoolean("moe_renormalize", "norm_topk_prob"), routerFunc,
                    requiredDouble("routed_scaling_factor"), groupedTopk,
                    requiredInt("num_expert_group", "n_group"), requiredInt("topk_group"),
                    heads, requiredInt("kv_lora_rank"), nullableInt("q_lora_rank"), requiredInt("qk_nope_head_dim"),
                    qkRope, requiredInt("v_head_dim"), mlaUseNope,
                    kdaHeads, kdaHeadDim, convKernel, kinds, requiredDouble("rms_norm_eps"),
                    optionalBoolean("tie_word_embeddings", false), requiredInt("bos_token_id"), eosTokenIds(),
                    requiredInt("pad_token_id"), requiredLong("model_max_length", "max_position_embeddings"));
        } catch (ConfigException e) {
            throw new ConfigException(source + ": " + e.getMessage().replaceFirst("^KimiLinearConfig: ", ""), e);
        }
    }

    /** Newer transformers (Kimi K3) switches that change the math; reject rather than silently ignore. */
    private void rejectUnsupportedFeatures() {
        JsonNode type = root.get("model_type");
        if (type != null && !"kimi_linear".equals(type.asText())) {
            fail("model_type is " + type + "; expected \"kimi_linear\"");
        }
        JsonNode act = root.get("hidden_act");
        if (act != null && !"silu".equals(act.asText())) {
            fail("hidden_act is " + act + "; expected \"silu\"");
        }
        if (optionalBoolean("mla_use_output_gate", false)) {
            fail("mla_use_output_gate = true (Kimi K3 MLA output gate) is not supported; expected false");
        }
        if (optionalInt("attn_res_block_size").orElse(0) != 0) {
            fail("attn_res_block_size != 0 (Block Attention Residuals) is not supported; expected 0");
        }
        JsonNode denseHidden = root.get("dense_ffn_hidden");
        if (denseHidden != null && !denseHidden.isNull()) {
            int v = intValue("dense_ffn_hidden", denseHidden);
            int inter = requiredInt("intermediate_size");
            if (v != inter) {
                fail("dense_ffn_hidden = " + v + " differs from intermediate_size = " + inter + "; expected equal");
            }
        }
    }

    private List<Integer> eosTokenIds() {
        JsonNode n = root.get("eos_token_id");
        if (n == null || n.isNull()) {
            fail("missing key 'eos_token_id' (an id or a list of ids)");
        }
        List<Integer> ids = new ArrayList<>();
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                ids.add(intValue("eos_token_id[" + i + "]", n.get(i)));
            }
        } else {
            ids.add(intValue("eos_token_id", n));
        }
        return ids;
    }

    /** A KDA parameter that lives in linear_attn_config (published) or at the top level (transformers). */
    private int aliasedNested(JsonNode linear, String nestedKey, String topKey) {
        JsonNode nested = linear != null && linear.isObject() ? linear.get(nestedKey) : null;
        JsonNode top = root.get(topKey);
        Integer a = nested == null || nested.isNull() ? null : intValue("linear_attn_config." + nestedKey, nested);
        Integer b = top == null || top.isNull() ? null : intValue(topKey, top);
        if (a != null && b != null && !a.equals(b)) {
            fail("linear_attn_config." + nestedKey + " = " + a + " but " + topKey + " = " + b + "; expected equal");
        }
        if (a == null && b == null) {
            fail("missing key 'linear_attn_config." + nestedKey + "' (or transformers' '" + topKey + "')");
        }
        return a != null ? a : b;
    }

    private JsonNode aliased(String... names) {
        JsonNode found = null;
        String foundName = null;
        for (String name : names) {
            JsonNode n = root.get(name);
            if (n == null || n.isNull()) {
                continue;
            }
            if (found != null && !found.equals(n)) {
                // 1 and 1.0 are the same number; compare numerically before complaining.
                if (!(found.isNumber() && n.isNumber() && found.decimalValue().compareTo(n.decimalValue()) == 0)) {
                    fail("'" + foundName + "' = " + found + " but its alias '" + name + "' = " + n + "; expected equal");
                }
            }
            if (found == null) {
                found = n;
                foundName = name;
            }
        }
        return found;
    }

    private JsonNode required(String... names) {
        JsonNode n = aliased(names);
        if (n == null) {
            fail("missing key '" + names[0] + "'" + (names.length > 1 ? " (aliases: "
                    + String.join(", ", Arrays.asList(names).subList(1, names.length)) + ")" : ""));
        }
        return n;
    }

    private int requiredInt(String... names) {
        return intValue(names[0], required(names));
    }

    private long requiredLong(String... names) {
        JsonNode n = required(names);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            fail("'" + names[0] + "' must be an integer but is " + n);
        }
        return n.asLong();
    }

    private double requiredDouble(String... names) {
        JsonNode n = required(names);
        if (!n.isNumber()) {
            fail("'" + names[0] + "' must be a number but is " + n);
        }
        return n.asDouble();
    }

    private boolean requiredBoolean(String... names) {
        JsonNode n = required(names);
        if (!n.isBoolean()) {
            fail("'" + names[0] + "' must be true or false but is " + n);
        }
        return n.asBoolean();
    }

    private boolean optionalBoolean(String name, boolean absent) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isBoolean()) {
            fail("'" + name + "' must be true or false but is " + n);
        }
        return n.asBoolean();
    }

    private String optionalText(String name, String absent) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return absent;
        }
        if (!n.isTextual()) {
            fail("'" + name + "' must be a string but is " + n);
        }
        return n.asText();
    }

    private java.util.OptionalInt optionalInt(String name) {
        JsonNode n = root.get(name);
        return n == null || n.isNull() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(intValue(name, n));
    }

    private Integer nullableInt(String name) {
        JsonNode n = root.get(name);
        return n == null || n.isNull() ? null : intValue(name, n);
    }

    int intValue(String key, JsonNode n) {
        return LayerTable.intValue(key, n, source);
    }

    private void fail(String message) {
        throw new ConfigException(source + ": " + message);
    }
}
