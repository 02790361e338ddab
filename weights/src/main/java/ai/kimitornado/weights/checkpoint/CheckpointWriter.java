package ai.kimitornado.weights.checkpoint;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.SafeTensorsException;
import ai.kimitornado.weights.safetensors.SafeTensorsWriter;
import ai.kimitornado.weights.safetensors.TensorData;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a Kimi Linear checkpoint in the published layout: {@code config.json} plus {@code model.safetensors}, or
 * shards {@code model-0000N-of-0000M.safetensors} with {@code model.safetensors.index.json}. Shards are cut by size
 * in layout order, so one layer's tensors can straddle two shards, as in the real checkpoint.
 */
public final class CheckpointWriter {
    /** Shard size limit that {@link #writeRandom(KimiLinearConfig, Path, long)} uses: large enough for one file in practice. */
    public static final long SINGLE_FILE_LIMIT = Long.MAX_VALUE;
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private CheckpointWriter() {
    }

    /** config.json + model.safetensors with seeded random bf16 weights (see {@code RandomWeights} for the scales). */
    public static void writeRandom(KimiLinearConfig c, Path outDir, long seed) {
        writeRandom(c, outDir, seed, SINGLE_FILE_LIMIT);
    }

    /** As {@link #writeRandom(KimiLinearConfig, Path, long)}, split into shards of at most {@code maxShardBytes} of tensor data (a larger tensor gets a shard of its own). */
    public static void writeRandom(KimiLinearConfig c, Path outDir, long seed, long maxShardBytes) {
        if (maxShardBytes <= 0) {
            throw new IllegalArgumentException("maxShardBytes must be positive but is " + maxShardBytes);
        }
        List<List<TensorSpec>> shards = partition(List.copyOf(KimiTensorLayout.expected(c).values()), maxShardBytes);
        try {
            Files.createDirectories(outDir);
            Files.writeString(outDir.resolve("config.json"), c.toPublishedJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SafeTensorsException(outDir + ": cannot write config.json: " + e, e);
        }
        Map<String, String> fileMetadata = Map.of("format", "pt");
        if (shards.size() == 1) {
            SafeTensorsWriter.write(outDir.resolve(SafeTensors.SINGLE_FILE), generate(shards.getFirst(), c, seed), fileMetadata);
            return;
        }
        ObjectNode index = JSON.createObjectNode();
        ObjectNode meta = index.putObject("metadata");
        ObjectNode weightMap = index.putObject("weight_map");
        long totalBytes = 0;
        long totalParams = 0;
        for (int s = 0; s < shards.size(); s++) {
            String shardName = String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
            SafeTensorsWriter.write(outDir.resolve(shardName), generate(shards.get(s), c, seed), fileMetadata);
            for (TensorSpec spec : shards.get(s)) {
                weightMap.put(spec.name(), shardName);
                totalBytes += spec.byteSize();
                totalParams += spec.numel();
            }
        }
        meta.put("total_parameters", totalParams);
        meta.put("total_size", totalBytes);
        try {
            Files.writeString(outDir.resolve(SafeTensors.INDEX_FILE), JSON.writeValueAsString(index) + "\n",
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SafeTensorsException(outDir + ": cannot write " + SafeTensors.INDEX_FILE + ": " + e, e);
        }
    }

    /** The tensors of {@code c}'s layout with the values {@code writeRandom} would write (for tests and tools). */
    public static TensorData randomTensor(KimiLinearConfig c, TensorSpec spec, long seed) {
        return RandomWeights.generate(spec, c, seed);
    }

    private static List<TensorData> generate(List<TensorSpec> specs, KimiLinearConfig c, long seed) {
        List<TensorData> out = new ArrayList<>(specs.size());
        for (TensorSpec spec : specs) {
            out.add(RandomWeights.generate(spec, c, seed));
        }
        return out;
    }

    static List<List<TensorSpec>> partition(List<TensorSpec> specs, long maxShardBytes) {
        List<List<TensorSpec>> shards = new ArrayList<>();
        List<TensorSpec> current = new ArrayList<>();
        long bytes = 0;
        for (TensorSpec spec : specs) {
            if (!current.isEmpty() && bytes + spec.byteSize() > maxShardBytes) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(spec);
            bytes += spec.byteSize();
        }
        if (!current.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

}
