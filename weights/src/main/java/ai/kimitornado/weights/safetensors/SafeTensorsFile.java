package ai.kimitornado.weights.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped, fully validated safetensors file. Layout: u64 little-endian header length N, N bytes of
 * UTF-8 JSON, then the data area; {@code data_offsets} are relative to the start of the data area, and the tensors
 * tile that area exactly (see {@link #checkTiling}).
 */
final class SafeTensorsFile implements AutoCloseable {
    /** Same limit as the reference implementation: a header beyond this is corrupt, not big. */
    static final long MAX_HEADER_BYTES = 100_000_000L;
    static final String METADATA_KEY = "__metadata__";

    private final Path file;
    private final Arena arena;
    private final Map<String, TensorView> tensors; // header order
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, Arena arena, Map<String, TensorView> tensors, Map<String, String> metadata) {
        this.file = file;
        this.arena = arena;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    static SafeTensorsFile open(Path file) {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapped;
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = ch.size();
                if (size < 8) {
                    throw new SafeTensorsException(file + ": file is " + size
                            + " bytes; a safetensors file needs at least the 8-byte header length");
                }
                mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            SafeTensorsFile parsed = parse(file, arena, mapped);
            return parsed;
        } catch (IOException e) {
            arena.close();
            throw new SafeTensorsException(file + ": cannot read: " + e, e);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static SafeTensorsFile parse(Path file, Arena arena, MemorySegment mapped) {
        long fileSize = mapped.byteSize();
        long headerLen = mapped.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLen < 2 || headerLen > fileSize - 8 || headerLen > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(file + ": header length field is " + Long.toUnsignedString(headerLen)
                    + "; expected 2.." + Math.min(fileSize - 8, MAX_HEADER_BYTES) + " (file size " + fileSize + ")");
        }
        byte[] headerBytes = mapped.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
        JsonNode root = HeaderJson.parse(headerBytes, file.toString());
        if (!root.isObject()) {
            throw new SafeTensorsException(file + ": header must be a JSON object but is " + root.getNodeType());
        }
        long dataStart = 8 + headerLen;
        long dataSize = fileSize - dataStart;
        MemorySegment dataArea = mapped.asSlice(dataStart, dataSize);

        Map<String, String> metadata = Map.of();
        Map<String, TensorView> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>(); // {begin, end, tensorIndex}
        List<String> order = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            String name = e.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(file, e.getValue());
                continue;
            }
            TensorEntry entry = TensorEntry.parse(file, name, e.getValue());
            if (entry.end() > dataSize) {
                throw new SafeTensorsException(file + ": tensor '" + name + "': data_offsets [" + entry.begin() + ", "
                        + entry.end() + "] end beyond the data area of " + dataSize + " bytes (file truncated?)");
            }
            ranges.add(new long[] {entry.begin(), entry.end(), order.size()});
            order.add(name);
            MemorySegment slice = dataArea.asSlice(entry.begin(), entry.end() - entry.begin());
            tensors.put(name, new TensorView(name, entry.dtype(), entry.shape(), slice, file));
        }
        checkTiling(file, ranges, order, dataSize);
        return new SafeTensorsFile(file, arena, Collections.unmodifiableMap(tensors), metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new SafeTensorsException(file + ": " + METADATA_KEY + " must be an object of strings but is "
                    + node.getNodeType());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsException(file + ": " + METADATA_KEY + "['" + e.getKey()
                        + "'] must be a string but is " + e.getValue().getNodeType());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return Collections.unmodifiableMap(out);
    }

    /**
     * The safetensors format requires the tensors to tile the data area exactly: sorted by offset, each range starts
     * where the previous one ended, the first at 0, the last at the end of the file. No overlaps (two tensors sharing
     * bytes), no holes and no trailing bytes (which would let a file be two things at once, or hide truncation bugs).
     */
    private static void checkTiling(Path file, List<long[]> ranges, List<String> names, long dataSize) {
        List<long[]> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.<long[]>comparingLong(r -> r[0]).thenComparingLong(r -> r[1]));
        long expectedBegin = 0;
        String previous = null;
        for (long[] r : sorted) {
            String name = names.get((int) r[2]);
            if (r[0] < expectedBegin) {
                throw new SafeTensorsException(file + ": tensor '" + name + "' bytes [" + r[0] + ", " + r[1]
                        + ") overlap tensor '" + previous + "' which ends at " + expectedBegin
                        + "; expected disjoint data ranges");
            }
            if (r[0] > expectedBegin) {
                throw new SafeTensorsException(file + ": tensor '" + name + "' starts at data offset " + r[0]
                        + " but " + (previous == null ? "the data area starts at 0" : "tensor '" + previous
                        + "' ends at " + expectedBegin) + "; expected no holes between tensors");
            }
            expectedBegin = r[1];
            previous = name;
        }
        if (expectedBegin != dataSize) {
            throw new SafeTensorsException(file + ": tensors cover " + expectedBegin + " bytes of a data area of "
                    + dataSize + " bytes" + (previous == null ? "" : " (last tensor '" + previous + "')")
                    + "; expected the file to end where the last tensor ends");
        }
    }

    Path file() {
        return file;
    }

    Map<String, TensorView> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public void close() {
        arena.close();
    }

    /** One validated header entry. */
    private record TensorEntry(DType dtype, long[] shape, long begin, long end) {
        static TensorEntry parse(Path file, String name, JsonNode node) {
            String where = file + ": tensor '" + name + "'";
            if (!node.isObject()) {
                throw new SafeTensorsException(where + ": expected an object {dtype, shape, data_offsets} but found "
                        + node.getNodeType());
            }
            for (Map.Entry<String, JsonNode> property : node.properties()) {
                String k = property.getKey();
                if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                    throw new SafeTensorsException(where + ": unexpected key '" + k
                            + "'; expected only dtype, shape, data_offsets");
                }
            }
            JsonNode dtypeNode = node.get("dtype");
            if (dtypeNode == null || !dtypeNode.isTextual()) {
                throw new SafeTensorsException(where + ": 'dtype' must be a string but is "
                        + (dtypeNode == null ? "missing" : dtypeNode.getNodeType()));
            }
            DType dtype;
            try {
                dtype = DType.parse(dtypeNode.asText());
            } catch (SafeTensorsException e) {
                throw new SafeTensorsException(where + ": " + e.getMessage(), e);
            }
            long[] shape = longArray(where, node.get("shape"), "shape", -1);
            long[] offsets = longArray(where, node.get("data_offsets"), "data_offsets", 2);
            long begin = offsets[0];
            long end = offsets[1];
            if (end < begin) {
                throw new SafeTensorsException(where + ": data_offsets [" + begin + ", " + end + "] end before begin");
            }
            long expectedBytes;
            try {
                expectedBytes = Math.multiplyExact(TensorView.numel(shape), (long) dtype.byteSize());
            } catch (ArithmeticException overflow) {
                throw new SafeTensorsException(where + ": shape " + Arrays.toString(shape) + " x " + dtype
                        + " overflows a 64-bit byte count");
            }
            if (end - begin != expectedBytes) {
                throw new SafeTensorsException(where + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                        + expectedBytes + " bytes but data_offsets [" + begin + ", " + end + "] span " + (end - begin));
            }
            return new TensorEntry(dtype, shape, begin, end);
        }

        private static long[] longArray(String where, JsonNode node, String key, int requiredLength) {
            if (node == null || !node.isArray()) {
                throw new SafeTensorsException(where + ": '" + key + "' must be an array of non-negative integers but is "
                        + (node == null ? "missing" : node.getNodeType()));
            }
            if (requiredLength >= 0 && node.size() != requiredLength) {
                throw new SafeTensorsException(where + ": '" + key + "' must have " + requiredLength
                        + " elements but has " + node.size());
            }
            long[] out = new long[node.size()];
            for (int i = 0; i < out.length; i++) {
                JsonNode v = node.get(i);
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                    throw new SafeTensorsException(where + ": '" + key + "'[" + i
                            + "] must be a non-negative 64-bit integer but is " + v);
                }
                out[i] = v.asLong();
            }
            return out;
        }
    }
}
