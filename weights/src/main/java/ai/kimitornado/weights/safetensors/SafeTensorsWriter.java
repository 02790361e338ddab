package ai.kimitornado.weights.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files: tensors contiguous in the given order, the JSON header padded with spaces to a multiple
 * of 8 bytes (so the data area is 8-aligned, as the reference writer does). Written to a temporary file and moved
 * into place, so a crash never leaves a half-written file under the final name.
 */
public final class SafeTensorsWriter {
    private static final int COPY_CHUNK = 1 << 24;

    private SafeTensorsWriter() {
    }

    /**
     * @param tensorsInOrder name -> {@link TensorData}, {@link TensorView}, {@code float[]} (F32, 1-D) or
     *                       {@code int[]} (I32, 1-D); a TensorData/TensorView whose own name differs from the key is
     *                       written under the key
     * @param metadata       written as {@code __metadata__} (may be empty or null)
     */
    public static void write(Path file, Map<String, ?> tensorsInOrder, Map<String, String> metadata) {
        List<TensorData> tensors = new ArrayList<>(tensorsInOrder.size());
        for (Map.Entry<String, ?> e : tensorsInOrder.entrySet()) {
            tensors.add(toTensorData(file, e.getKey(), e.getValue()));
        }
        writeAll(file, tensors, metadata);
    }

    /** Writes tensors in list order (names must be unique). */
    public static void write(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        writeAll(file, tensors, metadata);
    }

    private static TensorData toTensorData(Path file, String name, Object value) {
        return switch (value) {
            case TensorData t -> t.name().equals(name) ? t : new TensorData(name, t.dtype(), t.shape(), t.data());
            case TensorView v -> new TensorData(name, v.dtype(), v.shape(), v.data());
            case float[] f -> TensorData.f32(name, new long[] {f.length}, f);
            case int[] i -> TensorData.i32(name, new long[] {i.length}, i);
            case null -> throw new SafeTensorsException(file + ": tensor '" + name + "' has a null value");
            default -> throw new SafeTensorsException(file + ": tensor '" + name + "': cannot write a "
                    + value.getClass().getName() + "; expected TensorData, TensorView, float[] or int[]");
        };
    }

    private static void writeAll(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        byte[] header = header(file, tensors, metadata);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (TensorData t : tensors) {
                    MemorySegment data = t.data();
                    for (long off = 0; off < data.byteSize(); off += COPY_CHUNK) {
                        long n = Math.min(COPY_CHUNK, data.byteSize() - off);
                        writeFully(ch, data.asSlice(off, n).asByteBuffer());
                    }
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the original failure is the one to report
            }
            throw new SafeTensorsException(file + ": cannot write: " + e, e);
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** JSON header, padded with spaces to a multiple of 8 bytes. */
    static byte[] header(Path file, List<TensorData> tensors, Map<String, String> metadata) {
        ObjectNode root = HeaderJson.MAPPER.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode md = root.putObject(SafeTensorsFile.METADATA_KEY);
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (TensorData t : tensors) {
            if (t.name().equals(SafeTensorsFile.METADATA_KEY)) {
                throw new SafeTensorsException(file + ": '" + SafeTensorsFile.METADATA_KEY + "' is reserved, not a tensor name");
            }
            if (root.has(t.name())) {
                throw new SafeTensorsException(file + ": tensor '" + t.name() + "' given twice; names must be unique");
            }
            ObjectNode entry = root.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            long end = offset + t.data().byteSize();
            entry.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = HeaderJson.MAPPER.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        } catch (JacksonException e) {
            throw new SafeTensorsException(file + ": cannot encode header: " + e.getOriginalMessage(), e);
        }
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }
}
