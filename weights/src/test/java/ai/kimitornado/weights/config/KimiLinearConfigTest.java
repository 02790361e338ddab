package ai.kimitornado.weights.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KimiLinearConfigTest {
    private static final JsonMapper JSON = new JsonMapper();

    @Test
    void realConfigDerivesThePublishedLayerTable() {
        KimiLinearConfig c = KimiLinearConfig.real48B();
        List<Integer> mla = IntStream.range(0, 27).filter(c::isMla).boxed().toList();
        assertEquals(List.of(3, 7, 11, 15, 19, 23, 26), mla);
        assertEquals(20, IntStream.range(0, 27).filter(c::isKda).count());
        assertFalse(c.isMoe(0));
        assertTrue(IntStream.range(1, 27).allMatch(c::isMoe));
        assertEquals(2304, c.hiddenSize());
        assertEquals(163840, c.vocabSize());
        assertEquals(256, c.numExperts());
        assertEquals(8, c.numExpertsPerToken());
        assertEquals(2.446, c.routedScalingFactor());
        assertNull(c.qLoraRank());
        assertEquals(128, c.kdaHeadDim());
        assertEquals(32, c.kdaNumHeads());
        assertEquals(4, c.shortConvKernelSize());
        assertEquals(List.of(163586), c.eosTokenIds());
        assertEquals(1048576L, c.modelMaxLength());
        assertEquals(1e-5, c.rmsNormEps());
    }

    @Test
    void loadsTheTinyFixture() {
        KimiLinearConfig c = KimiLinearConfig.load(Fixtures.tinyA().resolve("config.json"));
        assertEquals(List.of(LayerKind.KDA, LayerKind.KDA, LayerKind.KDA, LayerKind.MLA), c.layerKinds());
        assertEquals(64, c.hiddenSize());
        assertEquals(8, c.numExperts());
        assertEquals(2, c.numExpertsPerToken());
        assertEquals(16, c.kdaHeadDim());
        assertEquals(4, c.kdaNumHeads());
        assertFalse(c.isMoe(0));
        assertTrue(c.isMoe(1) && c.isMoe(3));
    }

    @Test
    void tinyDemoHasTheRealVocabulary() {
        KimiLinearConfig c = KimiLinearConfig.tinyDemo();
        KimiLinearConfig fixture = KimiLinearConfig.load(Fixtures.tinyA().resolve("config.json"));
        assertEquals(163840, c.vocabSize());
        assertEquals(163584, c.bosTokenId());
        assertEquals(List.of(163586), c.eosTokenIds());
        assertEquals(fixture.layerKinds(), c.layerKinds());
        assertEquals(fixture.hiddenSize(), c.hiddenSize());
    }

    @Test
    void publishedJsonRoundTrips() {
        KimiLinearConfig c = KimiLinearConfig.real48B();
        assertEquals(c, KimiLinearConfig.parse(c.toPublishedJson(), "round trip"));
    }

    /** The transformers layout of the real config (layer_types, mlp_layer_types, linear_*, attribute_map aliases). */
    @Test
    void transformersLayoutGivesTheSameConfig() throws Exception {
        KimiLinearConfig c = KimiLinearConfig.real48B();
        ObjectNode t = (ObjectNode) JSON.readTree(c.toPublishedJson());
        t.remove("linear_attn_config");
        t.remove("first_k_dense_replace");
        t.remove("moe_layer_freq");
        t.remove("moe_router_activation_func");
        t.remove("use_grouped_topk");
        rename(t, "num_experts", "num_local_experts");
        rename(t, "num_experts_per_token", "num_experts_per_tok");
        rename(t, "num_shared_experts", "n_shared_experts");
        rename(t, "num_expert_group", "n_group");
        rename(t, "moe_renormalize", "norm_topk_prob");
        rename(t, "model_max_length", "max_position_embeddings");
        ArrayNode types = t.putArray("layer_types");
        ArrayNode mlp = t.putArray("mlp_layer_types");
        for (int i = 0; i < 27; i++) {
            types.add(c.isMla(i) ? "full_attention" : "linear_attention");
            mlp.add(i == 0 ? "dense" : "sparse");
        }
        t.put("linear_head_dim", 128);
        t.put("linear_num_heads", 32);
        t.put("linear_conv_kernel_dim", 4);
        t.put("head_dim", 64); // transformers overwrites head_dim with qk_rope_head_dim; must be ignored
        assertEquals(c, KimiLinearConfig.parse(t.toString(), "transformers layout"));
    }

    @Test
    void rejectsALayerListedTwice() {
        assertRejected(o -> ((ArrayNode) o.get("linear_attn_config").get("kda_layers")).add(4), "listed twice");
    }

    @Test
    void rejectsAMissingLayer() {
        assertRejected(o -> ((ArrayNode) o.get("linear_attn_config").get("full_attn_layers")).remove(6), "27 (1-based)");
    }

    @Test
    void rejectsAZeroBasedLayerList() {
        assertRejected(o -> ((ArrayNode) o.get("linear_attn_config").get("kda_layers")).set(0, 0), "outside 1..27");
    }

    @Test
    void rejectsMlaWithRope() {
        assertRejected(o -> o.put("mla_use_nope", false), "mla_use_nope");
        assertRejected(o -> o.remove("mla_use_nope"), "mla_use_nope");
    }

    @Test
    void rejectsUnknownRouterFunction() {
        assertRejected(o -> o.put("moe_router_activation_func", "softmax"), "moe_router_activation_func");
        assertRejected(o -> o.put("moe_router_activation_func", "sigmod"), "'sigmod'");
    }

    @Test
    void rejectsNonPositiveSizes() {
        for (String key : List.of("vocab_size", "hidden_size", "intermediate_size", "moe_intermediate_size",
                "num_experts", "num_experts_per_token", "num_attention_heads", "kv_lora_rank", "qk_nope_head_dim",
                "v_head_dim", "topk_group", "num_expert_group")) {
            assertRejected(o -> o.put(key, 0), key);
            assertRejected(o -> o.put(key, -3), key);
        }
        assertRejected(o -> ((ObjectNode) o.get("linear_attn_config")).put("head_dim", 0), "head_dim");
        assertRejected(o -> ((ObjectNode) o.get("linear_attn_config")).put("num_heads", -1), "num_heads");
        assertRejected(o -> ((ObjectNode) o.get("linear_attn_config")).put("short_conv_kernel_size", 0), "short_conv_kernel_size");
        assertRejected(o -> o.put("rms_norm_eps", 0.0), "rms_norm_eps");
        assertRejected(o -> o.put("num_hidden_layers", 0), "num_hidden_layers");
    }

    @Test
    void rejectsHeadCountAndDimMismatches() {
        assertRejected(o -> o.put("linear_num_heads", 16), "linear_num_heads");
        assertRejected(o -> o.put("linear_head_dim", 64), "linear_head_dim");
        assertRejected(o -> o.put("linear_conv_kernel_dim", 3), "linear_conv_kernel_dim");
        assertRejected(o -> o.put("num_key_value_heads", 8), "num_key_value_heads");
        assertRejected(o -> o.put("num_experts_per_token", 300), "num_experts_per_token");
        assertRejected(o -> o.put("num_local_experts", 128), "num_local_experts");
        assertRejected(o -> o.put("num_expert_group", 3), "divisible");
    }

    @Test
    void rejectsLayerTypesThatDisagreeOrAreUnknown() {
        assertRejected(o -> {
            ArrayNode types = o.putArray("layer_types");
            for (int i = 0; i < 27; i++) {
                types.add("linear_attention");
            }
        }, "disagrees");
        assertRejected(o -> {
            o.remove("linear_attn_config");
            o.put("linear_head_dim", 128).put("linear_num_heads", 32).put("linear_conv_kernel_dim", 4);
            ArrayNode types = o.putArray("layer_types");
            for (int i = 0; i < 27; i++) {
                types.add(i == 5 ? "sliding_attention" : "linear_attention");
            }
        }, "layer_types[5]");
        assertRejected(o -> {
            ArrayNode mlp = o.putArray("mlp_layer_types");
            for (int i = 0; i < 27; i++) {
                mlp.add(i < 2 ? "dense" : "sparse");
            }
        }, "mlp_layer_types");
    }

    @Test
    void rejectsMissingKeysWrongTypesAndBadJson() {
        assertRejected(o -> o.remove("kv_lora_rank"), "missing key 'kv_lora_rank'");
        assertRejected(o -> o.put("hidden_size", 2304.5), "hidden_size");
        assertRejected(o -> o.put("hidden_size", "2304"), "hidden_size");
        assertRejected(o -> o.put("eos_token_id", 999999), "eos_token_id");
        assertRejected(o -> o.put("model_type", "deepseek_v3"), "model_type");
        ConfigException dup = assertThrows(ConfigException.class,
                () -> KimiLinearConfig.parse("{\"vocab_size\": 1, \"vocab_size\": 2}", "dup.json"));
        assertTrue(dup.getMessage().contains("dup.json") && dup.getMessage().contains("vocab_size"), dup.getMessage());
        ConfigException bad = assertThrows(ConfigException.class, () -> KimiLinearConfig.parse("{\"a\": ", "bad.json"));
        assertTrue(bad.getMessage().startsWith("bad.json"), bad.getMessage());
        assertThrows(ConfigException.class, () -> KimiLinearConfig.parse("[1,2]", "array.json"));
    }

    private static void rename(ObjectNode o, String from, String to) {
        JsonNode v = o.remove(from);
        o.set(to, v);
    }

    private static void assertRejected(Consumer<ObjectNode> edit, String expectedInMessage) {
        ObjectNode o;
        try {
            o = (ObjectNode) JSON.readTree(KimiLinearConfig.real48B().toPublishedJson());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        edit.accept(o);
        ConfigException e = assertThrows(ConfigException.class, () -> KimiLinearConfig.parse(o.toString(), "edited.json"),
                "expected rejection mentioning " + expectedInMessage);
        assertTrue(e.getMessage().startsWith("edited.json: "), e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage), "message '" + e.getMessage() + "' lacks '" + expectedInMessage + "'");
    }
}
