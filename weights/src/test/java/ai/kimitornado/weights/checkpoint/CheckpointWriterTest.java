package ai.kimitornado.weights.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.Fixtures;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.DType;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.TensorData;
import ai.kimitornado.weights.safetensors.TensorView;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {
    @TempDir
    Path tmp;

    static KimiLinearConfig tiny() {
        return KimiLinearConfig.load(Fixtures.tinyA().resolve("config.json"));
    }

    @Test
    void randomCheckpointRoundTrips() {
        long seed = System.nanoTime();
        System.out.println("randomCheckpointRoundTrips seed=" + seed);
        KimiLinearConfig c = tiny();
        CheckpointWriter.writeRandom(c, tmp, seed);
        assertTrue(Files.isRegularFile(tmp.resolve("model.safetensors")));
        assertFalse(Files.exists(tmp.resolve(SafeTensors.INDEX_FILE)));
        assertEquals(c, KimiLinearConfig.load(tmp.resolve("config.json")));
        try (SafeTensors st = SafeTensors.open(tmp)) {
            KimiCheckpoint.validate(c, st);
            for (TensorSpec spec : KimiTensorLayout.expected(c).values()) {
                TensorData expected = CheckpointWriter.randomTensor(c, spec, seed);
                TensorView actual = st.tensor(spec.name());
                assertArrayEquals(expected.bytes(), actual.data().toArray(ValueLayout.JAVA_BYTE), spec.name());
            }
        }
    }

    @Test
    void randomWeightsHaveSensibleScales() {
        long seed = System.nanoTime();
        System.out.println("randomWeightsHaveSensibleScales seed=" + seed);
        KimiLinearConfig c = tiny();
        CheckpointWriter.writeRandom(c, tmp, seed);
        try (SafeTensors st = SafeTensors.open(tmp)) {
            for (String name : st.names()) {
                float[] v = st.tensor(name).toFloatArray();
                for (float x : v) {
                    assertTrue(Float.isFinite(x), name);
                }
                double mean = 0;
                for (float x : v) {
                    mean += x;
                }
                mean /= v.length;
                if (name.endsWith("norm.weight")) {
                    assertEquals(1.0, mean, 0.05, name);
                } else if (name.endsWith("A_log")) {
                    for (float x : v) {
                        assertTrue(x >= 0 && x <= Math.log(16) + 1e-6, name + " " + x);
                    }
                } else if (name.endsWith("dt_bias")) {
                    for (float x : v) {
                        double softplus = Math.log1p(Math.exp(x));
                        assertTrue(softplus >= 0.999e-3 && softplus <= 0.1001, name + " softplus=" + softplus);
                    }
                }
            }
            assertEquals(DType.F32, st.tensor("model.layers.0.self_attn.A_log").dtype());
            assertEquals(DType.BF16, st.tensor("model.layers.0.self_attn.q_proj.weight").dtype());
        }
    }

    @Test
    void sameSeedSameBytesDifferentSeedDifferentBytes() throws Exception {
        KimiLinearConfig c = tiny();
        CheckpointWriter.writeRandom(c, tmp.resolve("a"), 7);
        CheckpointWriter.writeRandom(c, tmp.resolve("b"), 7);
        CheckpointWriter.writeRandom(c, tmp.resolve("c"), 8);
        byte[] a = Files.readAllBytes(tmp.resolve("a/model.safetensors"));
        assertArrayEquals(a, Files.readAllBytes(tmp.resolve("b/model.safetensors")));
        assertFalse(java.util.Arrays.equals(a, Files.readAllBytes(tmp.resolve("c/model.safetensors"))));
    }

    /** Layout branches the real model does not use: q LoRA, tied embeddings, no shared expert, MoE every 2nd layer, 2-D conv. */
    @Test
    void variantLayoutsRoundTrip() throws Exception {
        long seed = System.nanoTime();
        System.out.println("variantLayoutsRoundTrip seed=" + seed);
        com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.json.JsonMapper().readTree(tiny().toPublishedJson());
        o.put("q_lora_rank", 24).put("tie_word_embeddings", true).put("num_shared_experts", 0)
                .put("moe_layer_freq", 2).put("first_k_dense_replace", 1);
        o.putArray("eos_token_id").add(2).add(3);
        KimiLinearConfig c = KimiLinearConfig.parse(o.toString(), "variant");
        assertEquals(java.util.List.of(2, 3), c.eosTokenIds());
        assertFalse(c.isMoe(1));
        assertTrue(c.isMoe(2));
        Map<String, TensorSpec> layout = KimiTensorLayout.expected(c);
        assertTrue(layout.containsKey("model.layers.3.self_attn.q_a_proj.weight"));
        assertFalse(layout.containsKey("model.layers.3.self_attn.q_proj.weight"));
        assertFalse(layout.containsKey("lm_head.weight"));
        assertTrue(layout.containsKey("model.layers.1.mlp.gate_proj.weight"));
        assertFalse(layout.keySet().stream().anyMatch(n -> n.contains("shared_experts")));
        CheckpointWriter.writeRandom(c, tmp, seed);
        assertEquals(c, KimiLinearConfig.load(tmp.resolve("config.json")));
        try (SafeTensors st = SafeTensors.open(tmp)) {
            KimiCheckpoint.validate(c, st);
            // the same data with 2-D conv taps is accepted too
            Map<String, Object> reshaped = new java.util.LinkedHashMap<>();
            for (String n : st.names()) {
                TensorView v = st.tensor(n);
                long[] shape = n.endsWith("_conv1d.weight") ? new long[] {v.dim(0), v.dim(2)} : v.shape();
                reshaped.put(n, TensorData.of(n, v.dtype(), shape, v.data()));
            }
            Path two = tmp.resolve("conv2d.safetensors");
            ai.kimitornado.weights.safetensors.SafeTensorsWriter.write(two, reshaped, Map.of());
            try (SafeTensors st2 = SafeTensors.open(two)) {
                KimiCheckpoint.validate(c, st2);
                assertEquals(2, KimiCheckpoint.tensor(st2, "model.layers.0.self_attn.q_conv1d.weight").rank());
            }
        }
    }

    @Test
    void realConfigLayoutMatchesPublishedCounts() {
        Map<String, TensorSpec> layout = KimiTensorLayout.expected(KimiLinearConfig.real48B());
        assertEquals(20_493, layout.size());
        long params = layout.values().stream().mapToLong(TensorSpec::numel).sum();
        long bytes = layout.values().stream().mapToLong(TensorSpec::byteSize).sum();
        assertEquals(49_122_681_728L, params);
        assertEquals(98_245_528_576L, bytes);
    }
}
