package ai.kimitornado.weights.checkpoint;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.DType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The published Kimi Linear checkpoint layout (KIMI_LINEAR.md §2.1): every tensor name with its dtype and shape,
 * PyTorch {@code [out, in]} convention. Everything is BF16 except the KDA {@code A_log} and {@code dt_bias} (F32).
 */
public final class KimiTensorLayout {
    private KimiTensorLayout() {
    }

    /** Name -> spec, in a stable order: embedding, layers 0..L-1 (norms, mixer, feed-forward), final norm, lm_head. */
    public static Map<String, TensorSpec> expected(KimiLinearConfig c) {
        Map<String, TensorSpec> out = new LinkedHashMap<>();
        long d = c.hiddenSize();
        bf16(out, "model.embed_tokens.weight", c.vocabSize(), d);
        for (int layer = 0; layer < c.numHiddenLayers(); layer++) {
            String p = layerPrefix(layer);
            bf16(out, p + "input_layernorm.weight", d);
            bf16(out, p + "post_attention_layernorm.weight", d);
            if (c.isKda(layer)) {
                kda(out, c, p + "self_attn.");
            } else {
                mla(out, c, p + "self_attn.");
            }
            if (c.isMoe(layer)) {
                moe(out, c, p + "block_sparse_moe.");
            } else {
                mlp(out, p + "mlp.", c.intermediateSize(), d);
            }
        }
        bf16(out, "model.norm.weight", d);
        if (!c.tieWordEmbeddings()) {
            bf16(out, "lm_head.weight", c.vocabSize(), d);
        }
        return Collections.unmodifiableMap(out);
    }

    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    private static void kda(Map<String, TensorSpec> out, KimiLinearConfig c, String p) {
        long d = c.hiddenSize();
        long proj = c.kdaProjectionDim(); // heads × head_dim
        long rank = c.kdaHeadDim();       // the forget/output gate low rank equals the head dim
        for (String qkv : new String[] {"q", "k", "v"}) {
            bf16(out, p + qkv + "_proj.weight", proj, d);
        }
        for (String qkv : new String[] {"q", "k", "v"}) {
            bf16(out, p + qkv + "_conv1d.weight", proj, 1, c.shortConvKernelSize()); // depthwise Conv1d [C,1,K]
        }
        bf16(out, p + "f_a_proj.weight", rank, d);
        bf16(out, p + "f_b_proj.weight", proj, rank);
        put(out, p + "dt_bias", DType.F32, proj);
        put(out, p + "A_log", DType.F32, 1, 1, c.kdaNumHeads(), 1);
        bf16(out, p + "b_proj.weight", c.kdaNumHeads(), d);
        bf16(out, p + "g_a_proj.weight", rank, d);
        bf16(out, p + "g_b_proj.weight", proj, rank);
        bf16(out, p + "o_norm.weight", c.kdaHeadDim());
        bf16(out, p + "o_proj.weight", d, proj);
    }

    private static void mla(Map<String, TensorSpec> out, KimiLinearConfig c, String p) {
        long d = c.hiddenSize();
        long h = c.numAttentionHeads();
        long qOut = h * c.qkHeadDim();
        if (c.qLoraRank() == null) {
            bf16(out, p + "q_proj.weight", qOut, d);
        } else {
            bf16(out, p + "q_a_proj.weight", c.qLoraRank(), d);
            bf16(out, p + "q_a_layernorm.weight", c.qLoraRank());
            bf16(out, p + "q_b_proj.weight", qOut, c.qLoraRank());
        }
        bf16(out, p + "kv_a_proj_with_mqa.weight", c.kvLoraRank() + c.qkRopeHeadDim(), d);
        bf16(out, p + "kv_a_layernorm.weight", c.kvLoraRank());
        bf16(out, p + "kv_b_proj.weight", h * (c.qkNopeHeadDim() + c.vHeadDim()), c.kvLoraRank());
        bf16(out, p + "o_proj.weight", d, h * c.vHeadDim());
    }

    private static void moe(Map<String, TensorSpec> out, KimiLinearConfig c, String p) {
        long d = c.hiddenSize();
        long w = c.moeIntermediateSize();
        bf16(out, p + "gate.weight", c.numExperts(), d);
        bf16(out, p + "gate.e_score_correction_bias", c.numExperts());
        for (int e = 0; e < c.numExperts(); e++) {
            String ep = p + "experts." + e + ".";
            bf16(out, ep + "w1.weight", w, d); // gate (SiLU branch)
            bf16(out, ep + "w2.weight", d, w); // down
            bf16(out, ep + "w3.weight", w, d); // up
        }
        if (c.numSharedExperts() > 0) {
            mlp(out, p + "shared_experts.", c.sharedExpertIntermediateSize(), d);
        }
    }

    private static void mlp(Map<String, TensorSpec> out, String p, long width, long d) {
        bf16(out, p + "gate_proj.weight", width, d);
        bf16(out, p + "up_proj.weight", width, d);
        bf16(out, p + "down_proj.weight", d, width);
    }

    private static void bf16(Map<String, TensorSpec> out, String name, long... shape) {
        put(out, name, DType.BF16, shape);
    }

    private static void put(Map<String, TensorSpec> out, String name, DType dtype, long... shape) {
        if (out.put(name, new TensorSpec(name, dtype, shape)) != null) {
            throw new IllegalStateException("layout lists " + name + " twice");
        }
    }
}
