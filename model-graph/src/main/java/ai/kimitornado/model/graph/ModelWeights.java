package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.DType;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.TensorView;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The checkpoint as kernel arrays. bf16 tensors are zero-copy views of the mmap'd safetensors segments
 * ({@code BFloat16Array.fromSegment(view.data())}, no heap copy); {@code A_log}/{@code dt_bias} stay fp32 (views
 * too). The experts of a MoE layer are packed into one off-heap buffer per matrix, expert e at e·rows·cols and the
 * shared expert last, so one launch serves every selected expert (a file-to-buffer copy, never through the heap).
 */
public record ModelWeights(BFloat16Array embedding,      // [V*D]
                           List<Layer> layers,
                           BFloat16Array finalNorm,      // [D]
                           BFloat16Array lmHead) {       // [V*D]

    /** One decoder layer; exactly one of kda/mla and one of dense/moe is non-null. */
    public record Layer(BFloat16Array inputNorm, BFloat16Array postNorm, Kda kda, Mla mla, Mlp dense, Moe moe) {
    }

    public record Kda(BFloat16Array qProj, BFloat16Array kProj, BFloat16Array vProj,   // [H*dk, D]
                      BFloat16Array qConv, BFloat16Array kConv, BFloat16Array vConv,   // [H*dk * W]
                      BFloat16Array faProj, BFloat16Array fbProj,                      // [dk, D], [H*dk, dk]
                      FloatArray dtBias, FloatArray aLog,                              // [H*dk], [H] fp32
                      BFloat16Array bProj,                                             // [H, D]
                      BFloat16Array gaProj, BFloat16Array gbProj,                      // [dk, D], [H*dk, dk]
                      BFloat16Array oNorm, BFloat16Array oProj) {                      // [dk], [D, H*dv]
    }

    public record Mla(BFloat16Array qProj,      // [H*(nope+rope), D]
                      BFloat16Array kvAProj,    // [kvLora+rope, D]
                      BFloat16Array kvANorm,    // [kvLora]
                      BFloat16Array kvBProj,    // [H*(nope+v), kvLora]
                      BFloat16Array oProj) {    // [D, H*v]
    }

    public record Mlp(BFloat16Array gate, BFloat16Array up, BFloat16Array down) { // [I, D], [I, D], [D, I]
    }

    public record Moe(BFloat16Array router,     // [E, D]
                      FloatArray bias,          // [E] fp32 e_score_correction_bias (zeros when absent)
                      BFloat16Array w1,         // [(E+shared) * I * D] packed gate
                      BFloat16Array w3,         // [(E+shared) * I * D] packed up
                      BFloat16Array w2) {       // [(E+shared) * D * I] packed down
    }

    /** Every array, for the upload list and the memory estimate. */
    public List<NativeArray> arrays() {
        List<NativeArray> out = new ArrayList<>(List.of(embedding, finalNorm));
        if (lmHead != embedding) {
            out.add(lmHead);
        }
        for (Layer l : layers) {
            out.add(l.inputNorm());
            out.add(l.postNorm());
            if (l.kda() != null) {
                Kda k = l.kda();
                out.addAll(List.of(k.qProj(), k.kProj(), k.vProj(), k.qConv(), k.kConv(), k.vConv(), k.faProj(),
                        k.fbProj(), k.dtBias(), k.aLog(), k.bProj(), k.gaProj(), k.gbProj(), k.oNorm(), k.oProj()));
            }
            if (l.mla() != null) {
                Mla m = l.mla();
                out.addAll(List.of(m.qProj(), m.kvAProj(), m.kvANorm(), m.kvBProj(), m.oProj()));
            }
            if (l.dense() != null) {
                out.addAll(List.of(l.dense().gate(), l.dense().up(), l.dense().down()));
            }
            if (l.moe() != null) {
                Moe m = l.moe();
                out.addAll(List.of(m.router(), m.bias(), m.w1(), m.w3(), m.w2()));
            }
        }
        return out;
    }

    public long bytes() {
        return arrays().stream().mapToLong(NativeArray::getNumBytes).sum();
    }

    public static ModelWeights load(KimiLinearConfig config, ModelDims d, SafeTensors tensors) {
        Reader r = new Reader(tensors);
        BFloat16Array embedding = r.bf16("model.embed_tokens.weight", d.vocab(), d.hidden());
        BFloat16Array lmHead = config.tieWordEmbeddings() && !tensors.contains("lm_head.weight")
                ? embedding : r.bf16("lm_head.weight", d.vocab(), d.hidden());
        BFloat16Array finalNorm = r.bf16("model.norm.weight", d.hidden());
        List<Layer> layers = new ArrayList<>();
        for (int layer = 0; layer < d.layers(); layer++) {
            String p = "model.layers." + layer + ".";
            Kda kda = config.isKda(layer) ? kda(r, d, p + "self_attn.") : null;
            Mla mla = config.isMla(layer) ? mla(r, d, p + "self_attn.") : null;
            Mlp dense = null;
            Moe moe = null;
            if (config.isMoe(layer)) {
                moe = moe(r, d, p + "block_sparse_moe.");
            } else {
                // the published checkpoint names the dense MLP "mlp."; transformers round trips "block_sparse_moe."
                String prefix = tensors.contains(p + "mlp.gate_proj.weight") ? p + "mlp." : p + "block_sparse_moe.";
                dense = new Mlp(r.bf16(prefix + "gate_proj.weight", d.denseInter(), d.hidden()),
                        r.bf16(prefix + "up_proj.weight", d.denseInter(), d.hidden()),
                        r.bf16(prefix + "down_proj.weight", d.hidden(), d.denseInter()));
            }
            layers.add(new Layer(r.bf16(p + "input_layernorm.weight", d.hidden()),
                    r.bf16(p + "post_attention_layernorm.weight", d.hidden()), kda, mla, dense, moe));
        }
        return new ModelWeights(embedding, List.copyOf(layers), finalNorm, lmHead);
    }

    private static Kda kda(Reader r, ModelDims d, String p) {
        int c = d.kdaChannels();
        int dk = d.kdaHeadDim();
        int hd = d.hidden();
        return new Kda(r.bf16(p + "q_proj.weight", c, hd), r.bf16(p + "k_proj.weight", c, hd),
                r.bf16(p + "v_proj.weight", c, hd),
                r.bf16(p + "q_conv1d.weight", c, d.convWidth()), r.bf16(p + "k_conv1d.weight", c, d.convWidth()),
                r.bf16(p + "v_conv1d.weight", c, d.convWidth()),
                r.bf16(p + "f_a_proj.weight", dk, hd), r.bf16(p + "f_b_proj.weight", c, dk),
                r.fp32(p + "dt_bias", c), r.fp32(p + "A_log", d.kdaHeads()),
                r.bf16(p + "b_proj.weight", d.kdaHeads(), hd),
                r.bf16(p + "g_a_proj.weight", dk, hd), r.bf16(p + "g_b_proj.weight", c, dk),
                r.bf16(p + "o_norm.weight", dk), r.bf16(p + "o_proj.weight", hd, c));
    }

    private static Mla mla(Reader r, ModelDims d, String p) {
        return new Mla(r.bf16(p + "q_proj.weight", d.mlaQueryWidth(), d.hidden()),
                r.bf16(p + "kv_a_proj_with_mqa.weight", d.latentRow(), d.hidden()),
                r.bf16(p + "kv_a_layernorm.weight", d.kvLora()),
                r.bf16(p + "kv_b_proj.weight", d.mlaHeads() * (d.nope() + d.vDim()), d.kvLora()),
                r.bf16(p + "o_proj.weight", d.hidden(), d.mlaHeads() * d.vDim()));
    }

    private static Moe moe(Reader r, ModelDims d, String p) {
        int e = d.experts();
        int inter = d.moeInter();
        int hd = d.hidden();
        String biasName = p + "gate.e_score_correction_bias";
        FloatArray bias = r.tensors.contains(biasName) ? r.fp32(biasName, e) : new FloatArray(e);
        int slots = e + d.sharedExperts();
        BFloat16Array w1 = new BFloat16Array(slots * inter * hd);
        BFloat16Array w3 = new BFloat16Array(slots * inter * hd);
        BFloat16Array w2 = new BFloat16Array(slots * hd * inter);
        for (int x = 0; x < slots; x++) {
            boolean shared = x == e;
            String q = shared ? p + "shared_experts." : p + "experts." + x + ".";
            r.copyInto(w1, (long) x * inter * hd, q + (shared ? "gate_proj" : "w1") + ".weight", inter, hd);
            r.copyInto(w3, (long) x * inter * hd, q + (shared ? "up_proj" : "w3") + ".weight", inter, hd);
            r.copyInto(w2, (long) x * hd * inter, q + (shared ? "down_proj" : "w2") + ".weight", hd, inter);
        }
        return new Moe(r.bf16(p + "gate.weight", e, hd), bias, w1, w3, w2);
    }

    /** Reads tensors by name with dtype and shape checks (size-1 axes ignored: A_log [1,1,H,1], conv [C,1,W]). */
    private record Reader(SafeTensors tensors) {
        BFloat16Array bf16(String name, int... shape) {
            TensorView v = view(name, shape);
            if (v.dtype() != DType.BF16) {
                throw new IllegalArgumentException("DeviceEngine: tensor '" + name + "' in " + v.file() + " is "
                        + v.dtype() + ", expected BF16 (weights stay 16-bit on the device)");
            }
            return BFloat16Array.fromSegment(v.data());
        }

        FloatArray fp32(String name, int... shape) {
            TensorView v = view(name, shape);
            if (v.dtype() == DType.F32) {
                return FloatArray.fromSegment(v.data());
            }
            if (v.dtype() == DType.BF16) {
                return FloatArray.fromArray(v.toFloatArray()); // a few values; exact widening
            }
            throw new IllegalArgumentException("DeviceEngine: tensor '" + name + "' in " + v.file() + " is "
                    + v.dtype() + ", expected F32 (or BF16)");
        }

        void copyInto(BFloat16Array packed, long elementOffset, String name, int rows, int cols) {
            BFloat16Array src = bf16(name, rows, cols);
            MemorySegment.copy(src.segment(), 0, packed.segment(), elementOffset * BFloat16Array.ELEMENT_BYTES,
                    src.getNumBytes());
        }

        private TensorView view(String name, int... shape) {
            if (!tensors.contains(name)) {
                throw new IllegalArgumentException("DeviceEngine: checkpoint " + tensors.source() + " has no tensor '"
                        + name + "'");
            }
            TensorView v = tensors.tensor(name);
            long[] got = Arrays.stream(v.shape()).filter(x -> x != 1).toArray();
            long[] want = Arrays.stream(shape).asLongStream().filter(x -> x != 1).toArray();
            if (!Arrays.equals(got, want)) {
                throw new IllegalArgumentException("DeviceEngine: tensor '" + name + "' in " + v.file() + " has shape "
                        + Arrays.toString(v.shape()) + ", expected " + Arrays.toString(shape) + " (size-1 axes ignored)");
            }
            return v;
        }
    }
}
