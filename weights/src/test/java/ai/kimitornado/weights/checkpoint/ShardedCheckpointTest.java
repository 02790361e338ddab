package ai.kimitornado.weights.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.SafeTensorsException;
import ai.kimitornado.weights.safetensors.SafeTensorsWriter;
import ai.kimitornado.weights.safetensors.TensorData;
import ai.kimitornado.weights.safetensors.TensorView;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {
    private static final JsonMapper JSON = new JsonMapper();

    @TempDir
    Path dir;

    private KimiLinearConfig config;
    private long seed;

    @BeforeEach
    void writeThreeShards() {
        config = CheckpointWriterTest.tiny();
        seed = System.nanoTime();
        System.out.println(getClass().getSimpleName() + " seed=" + seed);
        List<TensorSpec> specs = List.copyOf(KimiTensorLayout.expected(config).values());
        long total = specs.stream().mapToLong(TensorSpec::byteSize).sum();
        long limit = total / 3;
        while (CheckpointWriter.partition(specs, limit).size() > 3) { // tensors are indivisible: grow until 3 shards
            limit += total / 200;
        }
        assertEquals(3, CheckpointWriter.partition(specs, limit).size());
        CheckpointWriter.writeRandom(config, dir, seed, limit);
    }

    @Test
    void threeShardsWithALayerStraddlingOpenAndValidate() throws IOException {
        List<String> shards;
        try (var s = Files.list(dir)) {
            shards = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".safetensors")).sorted().toList();
        }
        assertEquals(List.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors"), shards);
        try (SafeTensors st = SafeTensors.open(dir)) {
            KimiCheckpoint.validate(config, st);
            assertEquals(3, st.files().size());
            assertEquals(String.valueOf(KimiTensorLayout.expected(config).values().stream()
                    .mapToLong(TensorSpec::byteSize).sum()), st.metadata().get("total_size"));
            // some layer has tensors in two different shards
            boolean straddles = false;
            for (int layer = 0; layer < config.numHiddenLayers(); layer++) {
                Set<Path> files = new HashSet<>();
                for (String name : st.names()) {
                    if (name.startsWith(KimiTensorLayout.layerPrefix(layer))) {
                        files.add(st.fileOf(name));
                    }
                }
                straddles |= files.size() > 1;
            }
            assertTrue(straddles, "expected at least one layer split across shards");
            for (TensorSpec spec : KimiTensorLayout.expected(config).values()) {
                TensorView v = st.tensor(spec.name());
                assertArrayEquals(CheckpointWriter.randomTensor(config, spec, seed).bytes(),
                        v.data().toArray(ValueLayout.JAVA_BYTE), spec.name());
            }
        }
    }

    @Test
    void missingShardIsNamed() throws IOException {
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(dir));
        assertTrue(e.getMessage().contains("model-00002-of-00003.safetensors") && e.getMessage().contains("does not exist"),
                e.getMessage());
        assertTrue(e.getMessage().contains(SafeTensors.INDEX_FILE), e.getMessage());
    }

    @Test
    void tensorInTheWrongShardIsNamed() throws IOException {
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve(SafeTensors.INDEX_FILE).toFile());
        ObjectNode weightMap = (ObjectNode) index.get("weight_map");
        String name = "model.embed_tokens.weight";
        String actual = weightMap.get(name).asText();
        String wrong = actual.equals("model-00003-of-00003.safetensors") ? "model-00001-of-00003.safetensors"
                : "model-00003-of-00003.safetensors";
        weightMap.put(name, wrong);
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), index.toString());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(dir));
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains(wrong) && e.getMessage().contains(actual),
                e.getMessage());
    }

    @Test
    void unindexedShardTensorAndPathEscapesAreRejected() throws IOException {
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve(SafeTensors.INDEX_FILE).toFile());
        ObjectNode weightMap = (ObjectNode) index.get("weight_map");
        weightMap.remove("model.norm.weight");
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), index.toString());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(dir));
        assertTrue(e.getMessage().contains("model.norm.weight") && e.getMessage().contains("does not list it"),
                e.getMessage());
        weightMap.put("model.norm.weight", "../" + dir.getFileName() + "/model-00003-of-00003.safetensors");
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), index.toString());
        e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(dir));
        assertTrue(e.getMessage().contains("not a plain file name"), e.getMessage());
    }

    @Test
    void wrongShapeDtypeAndMissingTensorsAreReportedTogether() throws IOException {
        // rewrite shard 1 with one tensor reshaped, one retyped, one removed
        Path shard = dir.resolve("model-00001-of-00003.safetensors");
        Map<String, Object> tensors = new LinkedHashMap<>();
        String removed;
        String reshaped;
        String retyped;
        try (SafeTensors st = SafeTensors.open(shard)) {
            List<String> names = List.copyOf(st.names());
            removed = names.get(1);
            reshaped = names.get(0);
            String removedName = removed;
            retyped = names.stream().filter(n -> n.endsWith("norm.weight") && !n.equals(removedName)).findFirst().orElseThrow();
            for (String n : names) {
                TensorView v = st.tensor(n);
                if (n.equals(removed)) {
                    continue;
                }
                if (n.equals(reshaped)) {
                    tensors.put(n, TensorData.of(n, v.dtype(), new long[] {v.numel()}, v.data().toArray(ValueLayout.JAVA_BYTE)));
                } else if (n.equals(retyped)) {
                    tensors.put(n, TensorData.f32(n, v.shape(), v.toFloatArray()));
                } else {
                    tensors.put(n, TensorData.of(n, v.dtype(), v.shape(), v.data().toArray(ValueLayout.JAVA_BYTE)));
                }
            }
        }
        SafeTensorsWriter.write(shard, tensors, Map.of());
        ObjectNode index = (ObjectNode) JSON.readTree(dir.resolve(SafeTensors.INDEX_FILE).toFile());
        ((ObjectNode) index.get("weight_map")).remove(removed);
        Files.writeString(dir.resolve(SafeTensors.INDEX_FILE), index.toString());
        try (SafeTensors st = SafeTensors.open(dir)) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> KimiCheckpoint.validate(config, st));
            String msg = e.getMessage();
            assertTrue(msg.contains("3 problem(s)"), msg);
            assertTrue(msg.contains("missing tensor '" + removed + "'"), msg);
            assertTrue(msg.contains("'" + reshaped + "' has shape"), msg);
            assertTrue(msg.contains("'" + retyped + "' has dtype F32; expected BF16"), msg);
            assertTrue(msg.contains(shard.toString()), msg);
        }
    }

    /** Random edits of the index JSON: a clean open or a SafeTensorsException naming the index, never anything else. */
    @Test
    void mutatedIndexFailsCleanly() throws IOException {
        Path indexFile = dir.resolve(SafeTensors.INDEX_FILE);
        String valid = Files.readString(indexFile);
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] outcome = new int[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (int i = 0; i < 200; i++) {
                StringBuilder s = new StringBuilder(valid);
                int edits = 1 + rnd.nextInt(3);
                for (int k = 0; k < edits; k++) {
                    int pos = rnd.nextInt(s.length());
                    switch (rnd.nextInt(3)) {
                        case 0 -> s.deleteCharAt(pos);
                        case 1 -> s.insert(pos, "{}[],:\"0123-x./".charAt(rnd.nextInt(15)));
                        default -> s.setCharAt(pos, (char) (s.charAt(pos) ^ (1 << rnd.nextInt(7))));
                    }
                }
                Files.writeString(indexFile, s, StandardCharsets.UTF_8);
                try (SafeTensors st = SafeTensors.open(dir)) {
                    for (String n : st.names()) {
                        st.tensor(n).numel();
                    }
                    outcome[0]++;
                } catch (SafeTensorsException e) {
                    assertTrue(e.getMessage().contains(SafeTensors.INDEX_FILE) || e.getMessage().contains(".safetensors"),
                            e.getMessage());
                    outcome[1]++;
                } catch (Throwable t) {
                    fail("index mutation #" + i + " (seed " + seed + "): expected SafeTensorsException but got " + t, t);
                }
            }
        });
        System.out.println("mutatedIndexFailsCleanly: " + outcome[0] + " opened, " + outcome[1] + " rejected");
        assertTrue(outcome[1] > 60, "most index mutations must be rejected");
    }
}
