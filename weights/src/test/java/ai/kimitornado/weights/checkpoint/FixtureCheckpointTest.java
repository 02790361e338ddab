package ai.kimitornado.weights.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.Fixtures;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.DType;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.TensorView;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The tiny-a fixture (written by an independent tool) opens, validates, and decodes like a hand-rolled reader. */
class FixtureCheckpointTest {

    @Test
    void fixtureValidatesAgainstItsConfig() {
        KimiLinearConfig c = KimiLinearConfig.load(Fixtures.tinyA().resolve("config.json"));
        try (SafeTensors st = SafeTensors.open(Fixtures.tinyA())) {
            KimiCheckpoint.validate(c, st);
            assertEquals(KimiTensorLayout.expected(c).size(), st.names().size());
            assertEquals("pt", st.metadata().get("format"));
            // the fixture stores the dense MLP under block_sparse_moe.*; the canonical mlp.* name resolves to it
            TensorView gate = KimiCheckpoint.tensor(st, "model.layers.0.mlp.gate_proj.weight");
            assertEquals("model.layers.0.block_sparse_moe.gate_proj.weight", gate.name());
            assertEquals(DType.F32, KimiCheckpoint.tensor(st, "model.layers.1.self_attn.A_log").dtype());
        }
    }

    /** A copy of the fixture with an extra tensor and the dense MLP under both names is rejected, naming both. */
    @Test
    void unexpectedAndDoublyStoredTensorsAreReported(@org.junit.jupiter.api.io.TempDir Path tmp) {
        KimiLinearConfig c = KimiLinearConfig.load(Fixtures.tinyA().resolve("config.json"));
        Path copy = tmp.resolve("model.safetensors");
        try (SafeTensors st = SafeTensors.open(Fixtures.tinyA())) {
            java.util.Map<String, Object> tensors = new java.util.LinkedHashMap<>();
            for (String n : st.names()) {
                tensors.put(n, st.tensor(n));
            }
            tensors.put("model.layers.0.mlp.up_proj.weight", st.tensor("model.layers.0.block_sparse_moe.up_proj.weight"));
            tensors.put("model.rotary_emb.inv_freq", new float[] {1f, 0.5f});
            ai.kimitornado.weights.safetensors.SafeTensorsWriter.write(copy, tensors, java.util.Map.of());
        }
        try (SafeTensors st = SafeTensors.open(copy)) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(
                    ai.kimitornado.weights.safetensors.SafeTensorsException.class, () -> KimiCheckpoint.validate(c, st));
            assertTrue(e.getMessage().contains("2 problem(s)"), e.getMessage());
            assertTrue(e.getMessage().contains("unexpected tensor 'model.rotary_emb.inv_freq'"), e.getMessage());
            assertTrue(e.getMessage().contains("'model.layers.0.mlp.up_proj.weight' is stored twice"), e.getMessage());
            assertTrue(e.getMessage().contains(copy.toString()), e.getMessage());
        }
    }

    /** Decodes random elements by reading header offsets with a regex and raw bytes with RandomAccessFile. */
    @Test
    void valuesMatchAManualDecode() throws IOException {
        long seed = System.nanoTime();
        System.out.println("valuesMatchAManualDecode seed=" + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        Path file = Fixtures.tinyA().resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r"); SafeTensors st = SafeTensors.open(file)) {
            byte[] lenBytes = new byte[8];
            raf.readFully(lenBytes);
            long n = ByteBuffer.wrap(lenBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            byte[] header = new byte[(int) n];
            raf.readFully(header);
            String json = new String(header, StandardCharsets.UTF_8);
            int checked = 0;
            for (String name : new String[] {"model.embed_tokens.weight", "lm_head.weight",
                    "model.layers.3.self_attn.kv_b_proj.weight", "model.layers.2.self_attn.dt_bias",
                    "model.layers.0.self_attn.A_log", "model.layers.1.block_sparse_moe.experts.5.w2.weight"}) {
                Matcher m = Pattern.compile(Pattern.quote("\"" + name + "\"")
                        + "\\s*:\\s*\\{\"dtype\"\\s*:\\s*\"(\\w+)\".*?\"data_offsets\"\\s*:\\s*\\[(\\d+),\\s*(\\d+)\\]").matcher(json);
                assertTrue(m.find(), "manual parse of " + name);
                boolean bf16 = m.group(1).equals("BF16");
                long begin = Long.parseLong(m.group(2));
                long end = Long.parseLong(m.group(3));
                TensorView v = st.tensor(name);
                int elemSize = bf16 ? 2 : 4;
                assertEquals((end - begin) / elemSize, v.numel());
                float[] all = v.toFloatArray();
                for (int k = 0; k < 20; k++) {
                    long i = rnd.nextLong(v.numel());
                    raf.seek(8 + n + begin + i * elemSize);
                    byte[] b = new byte[elemSize];
                    raf.readFully(b);
                    float expected = bf16
                            ? Float.intBitsToFloat(((b[0] & 0xFF) | (b[1] & 0xFF) << 8) << 16)
                            : ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getFloat();
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(v.getFloat(i)), name + "[" + i + "]");
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(all[(int) i]), name + "[" + i + "]");
                    checked++;
                }
            }
            assertEquals(120, checked);
        }
    }
}
