package ai.kimitornado.weights.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A read-only view of a safetensors checkpoint: one file, or a directory holding either a sharded checkpoint
 * ({@code model.safetensors.index.json}) or a single {@code model.safetensors}. Every file is memory-mapped through
 * FFM and fully validated on open; tensor data is never copied. Views stay valid until {@link #close()}; after
 * that, touching their {@code data} throws {@link IllegalStateException}. Thread-safe for reading.
 */
public final class SafeTensors implements AutoCloseable {
    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private final Path source;
    private final List<SafeTensorsFile> files;
    private final Map<String, TensorView> tensors; // name -> view, in index/header order
    private final Map<String, String> metadata;

    private SafeTensors(Path source, List<SafeTensorsFile> files, Map<String, TensorView> tensors,
                        Map<String, String> metadata) {
        this.source = source;
        this.files = files;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Opens a {@code .safetensors} file, an index {@code .json} file, or a checkpoint directory. */
    public static SafeTensors open(Path fileOrDir) {
        if (Files.isDirectory(fileOrDir)) {
            Path index = fileOrDir.resolve(INDEX_FILE);
            Path single = fileOrDir.resolve(SINGLE_FILE);
            if (Files.isRegularFile(index)) {
                return openSharded(index);
            }
            if (Files.isRegularFile(single)) {
                return openSingle(single);
            }
            throw new SafeTensorsException(fileOrDir + ": directory has neither " + INDEX_FILE + " nor " + SINGLE_FILE);
        }
        if (!Files.isRegularFile(fileOrDir)) {
            throw new SafeTensorsException(fileOrDir + ": no such file or directory; expected a .safetensors file, "
                    + "an index .json, or a checkpoint directory");
        }
        if (fileOrDir.getFileName().toString().endsWith(".json")) {
            return openSharded(fileOrDir);
        }
        return openSingle(fileOrDir);
    }

    private static SafeTensors openSingle(Path file) {
        SafeTensorsFile f = SafeTensorsFile.open(file);
        return new SafeTensors(file, List.of(f), f.tensors(), f.metadata());
    }

    private static SafeTensors openSharded(Path index) {
        ShardIndex idx = ShardIndex.read(index);
        List<SafeTensorsFile> opened = new ArrayList<>();
        try {
            Map<String, SafeTensorsFile> byShard = new LinkedHashMap<>();
            for (String shard : idx.shards()) {
                SafeTensorsFile f = SafeTensorsFile.open(idx.resolve(shard));
                opened.add(f);
                byShard.put(shard, f);
            }
            Map<String, TensorView> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : idx.weightMap().entrySet()) {
                SafeTensorsFile f = byShard.get(e.getValue());
                TensorView view = f.tensors().get(e.getKey());
                if (view == null) {
                    String actual = byShard.entrySet().stream()
                            .filter(s -> s.getValue().tensors().containsKey(e.getKey()))
                            .map(Map.Entry::getKey).findFirst().map(s -> " (it is in " + s + ")").orElse("");
                    throw new SafeTensorsException(index + ": weight_map puts tensor '" + e.getKey() + "' in "
                            + f.file() + " but that shard does not contain it" + actual);
                }
                tensors.put(e.getKey(), view);
            }
            for (SafeTensorsFile f : opened) {
                for (String name : f.tensors().keySet()) {
                    String listed = idx.weightMap().get(name);
                    if (listed == null || !idx.resolve(listed).equals(f.file())) {
                        throw new SafeTensorsException(index + ": shard " + f.file() + " holds tensor '" + name
                                + "' but weight_map " + (listed == null ? "does not list it" : "puts it in " + listed)
                                + "; expected every shard tensor to be indexed exactly where it is");
                    }
                }
            }
            return new SafeTensors(index, List.copyOf(opened), Collections.unmodifiableMap(tensors), idx.metadata());
        } catch (RuntimeException e) {
            opened.forEach(SafeTensorsFile::close);
            throw e;
        }
    }

    /** Tensor names in index/header order. */
    public Set<String> names() {
        return tensors.keySet();
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor, or a {@link SafeTensorsException} naming it and the file(s) searched. */
    public TensorView tensor(String name) {
        TensorView view = tensors.get(name);
        if (view == null) {
            throw new SafeTensorsException("tensor '" + name + "' not found in " + describeFiles()
                    + " (" + tensors.size() + " tensors)");
        }
        return view;
    }

    /** {@code __metadata__} of a single file, or the index's {@code metadata} (values as strings). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The file or index this was opened from. */
    public Path source() {
        return source;
    }

    /** Every mapped file (one, or the shards in index order). */
    public List<Path> files() {
        return files.stream().map(SafeTensorsFile::file).toList();
    }

    /** The file holding {@code name} (for error messages). */
    public Path fileOf(String name) {
        return tensor(name).file();
    }

    private String describeFiles() {
        if (files.size() == 1) {
            return files.getFirst().file().toString();
        }
        return source + " (shards " + files.stream().map(f -> f.file().getFileName().toString())
                .collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public void close() {
        for (SafeTensorsFile f : files) {
            f.close();
        }
    }

    /** A parsed, validated {@code model.safetensors.index.json}. */
    record ShardIndex(Path index, Map<String, String> weightMap, Map<String, String> metadata) {
        static ShardIndex read(Path index) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(index);
            } catch (IOException e) {
                throw new SafeTensorsException(index + ": cannot read: " + e, e);
            }
            JsonNode root = HeaderJson.parse(bytes, index.toString());
            if (!root.isObject()) {
                throw new SafeTensorsException(index + ": expected a JSON object but found " + root.getNodeType());
            }
            JsonNode wm = root.get("weight_map");
            if (wm == null || !wm.isObject() || wm.isEmpty()) {
                throw new SafeTensorsException(index + ": expected a non-empty object 'weight_map' {tensor: shard file}");
            }
            Map<String, String> weightMap = new LinkedHashMap<>();
            Path dir = index.toAbsolutePath().getParent();
            for (Map.Entry<String, JsonNode> e : wm.properties()) {
                JsonNode v = e.getValue();
                if (!v.isTextual() || v.asText().isEmpty()) {
                    throw new SafeTensorsException(index + ": weight_map['" + e.getKey()
                            + "'] must be a shard file name but is " + v);
                }
                String shard = v.asText();
                Path resolved = dir.resolve(shard).normalize();
                if (shard.contains("/") || shard.contains("\\") || !dir.equals(resolved.getParent())) {
                    throw new SafeTensorsException(index + ": weight_map['" + e.getKey() + "'] = '" + shard
                            + "' is not a plain file name in the index's directory");
                }
                if (!Files.isRegularFile(resolved)) {
                    throw new SafeTensorsException(index + ": tensor '" + e.getKey() + "' is mapped to shard " + resolved
                            + " which does not exist");
                }
                weightMap.put(e.getKey(), shard);
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            JsonNode md = root.get("metadata");
            if (md != null && !md.isNull()) {
                if (!md.isObject()) {
                    throw new SafeTensorsException(index + ": 'metadata' must be an object but is " + md.getNodeType());
                }
                for (Map.Entry<String, JsonNode> e : md.properties()) {
                    metadata.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
                }
            }
            return new ShardIndex(index, Collections.unmodifiableMap(weightMap), Collections.unmodifiableMap(metadata));
        }

        /** Distinct shard names in first-use order. */
        List<String> shards() {
            return List.copyOf(new LinkedHashSet<>(weightMap.values()));
        }

        Path resolve(String shard) {
            return index.toAbsolutePath().getParent().resolve(shard).normalize();
        }
    }
}
