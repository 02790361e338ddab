package ai.kimitornado.weights.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of seeded mutations of a valid file: every open either succeeds with self-consistent tensors or throws
 * {@link SafeTensorsException}; nothing else, and nothing hangs. Re-run one seed with -Dfuzz.seed=N.
 */
class SafeTensorsFuzzTest {
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?");
    private static final Pattern STRING = Pattern.compile("\"[^\"]*\"");
    private static final Pattern ENTRY = Pattern.compile("\"[^\"]+\":\\{\"dtype\":[^}]*\\}");
    private static final String[] NUMBER_REPLACEMENTS = {"0", "1", "-1", "2", "7", "8", "4294967296", "9223372036854775807",
            "9223372036854775808", "18446744073709551616", "1.5", "1e3", "-0", "00", "1e400", "123456789012345678901234567890"};
    private static final String[] STRING_REPLACEMENTS = {"\"\"", "\"BF16\"", "\"F32\"", "\"F64\"", "\"I64\"", "\"U8\"",
            "\"BOOL\"", "\"F8_E4M3\"", "\"bf16\"", "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"",
            "\"w.f32\"", "\"ids\"", "\"\\u0000\"", "\"\\ud800\""};
    private static final String INSERTABLE = "{}[],:\"0-9 .ea\\\u00e9\u0000";

    @TempDir
    Path tmp;

    private byte[] valid;
    private int headerLen;
    private String headerJson;
    private List<long[]> tensorRanges; // absolute [begin, end) in the file

    private Path scratchDir;
    private int accepted;
    private int rejected;
    private String currentCase = "none";

    @Test
    void mutatedFilesOpenConsistentlyOrFailCleanly() throws IOException {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        System.out.println("SafeTensorsFuzzTest seed=" + seed + " (re-run with -Dfuzz.seed=" + seed + ")");
        buildValid(seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        Path file = scratchFile();
        assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
            run(file, "valid", valid, true);
            for (int i = 0; i < 1500; i++) {
                run(file, "header bit flips #" + i, flipBits(rnd, 8, 8 + headerLen, 1 + rnd.nextInt(4)), false);
            }
            for (int i = 0; i < 300; i++) {
                run(file, "header length field #" + i, withLengthField(lengthFieldValue(rnd)), false);
            }
            for (long cut : truncationPoints(rnd)) {
                run(file, "truncated at " + cut, java.util.Arrays.copyOf(valid, (int) cut), false);
            }
            for (int i = 0; i < 1500; i++) {
                run(file, "JSON token edit #" + i, tokenEdit(rnd), false);
            }
            for (int i = 0; i < 300; i++) {
                run(file, "structural edit #" + i, structuralEdit(rnd), false);
            }
            for (int i = 0; i < 200; i++) {
                run(file, "data bit flips #" + i, flipBits(rnd, 8 + headerLen, valid.length, 1 + rnd.nextInt(8)), true);
            }
        }, () -> "hang (no result within 90 s) at case '" + currentCase + "', seed=" + seed);
        System.out.println("SafeTensorsFuzzTest: " + accepted + " mutations opened consistently, " + rejected
                + " rejected with SafeTensorsException");
        assertTrue(rejected > 2000, "most header mutations must be rejected, only " + rejected + " were");
        assertTrue(accepted > 200, "harmless mutations (data area, whitespace) must open, only " + accepted + " did");
    }

    /** Thousands of rewrites: use tmpfs when there is one (a disk-backed /tmp costs milliseconds per rewrite). */
    private Path scratchFile() throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            scratchDir = Files.createTempDirectory(shm, "kimi-fuzz");
            return scratchDir.resolve("fuzz.safetensors");
        }
        return tmp.resolve("fuzz.safetensors");
    }

    @AfterEach
    void removeScratch() throws IOException {
        if (scratchDir != null) {
            try (var files = Files.list(scratchDir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(scratchDir);
        }
    }

    private void buildValid(long seed) throws IOException {
        Path f = tmp.resolve("valid.safetensors");
        SafeTensorsWriter.write(f, SampleFiles.tensors(seed), Map.of("format", "pt", "note", "fuzz"));
        valid = Files.readAllBytes(f);
        headerLen = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong();
        headerJson = new String(valid, 8, headerLen, StandardCharsets.UTF_8).stripTrailing();
        tensorRanges = new ArrayList<>();
        try (SafeTensors st = SafeTensors.open(f)) {
            long base = st.tensor(st.names().iterator().next()).data().address(); // first tensor sits at data offset 0
            for (String n : st.names()) {
                MemorySegment d = st.tensor(n).data();
                long begin = 8 + headerLen + d.address() - base;
                tensorRanges.add(new long[] {begin, begin + d.byteSize()});
            }
        }
    }

    private void run(Path file, String description, byte[] content, boolean mustOpen) throws IOException {
        currentCase = description;
        Files.write(file, content);
        try (SafeTensors st = SafeTensors.open(file)) {
            checkConsistent(st, content.length, description);
            checkBytesAgainstHeader(st, content, description);
            accepted++;
        } catch (SafeTensorsException e) {
            if (mustOpen) {
                fail(description + ": a valid file was rejected: " + e.getMessage(), e);
            }
            assertTrue(e.getMessage().contains(file.toString()), description + ": message must name the file: " + e.getMessage());
            rejected++;
        } catch (Throwable t) {
            fail(description + ": expected success or SafeTensorsException but got " + t, t);
        }
    }

    /** Sizes agree with dtype × shape, views lie inside the file without overlapping, and every element is readable. */
    private static void checkConsistent(SafeTensors st, long fileSize, String description) {
        List<MemorySegment> segments = new ArrayList<>();
        for (String name : st.names()) {
            TensorView v = st.tensor(name);
            assertEquals(v.numel() * v.dtype().byteSize(), v.data().byteSize(), description + ": " + name);
            assertTrue(v.data().byteSize() <= fileSize, description + ": " + name);
            if (v.numel() < 1_000_000) {
                double[] values = v.toDoubleArray();
                assertEquals(v.numel(), values.length);
            }
            if (v.data().byteSize() > 0) {
                segments.add(v.data());
            }
        }
        segments.sort(Comparator.comparingLong(MemorySegment::address));
        for (int i = 1; i < segments.size(); i++) {
            MemorySegment a = segments.get(i - 1);
            assertTrue(a.address() + a.byteSize() <= segments.get(i).address(), description + ": overlapping views");
        }
        if (!segments.isEmpty()) {
            MemorySegment last = segments.getLast();
            assertTrue(last.address() + last.byteSize() - segments.getFirst().address() <= fileSize,
                    description + ": views span more than the file");
        }
    }

    /** An accepted file's views hold exactly the bytes its header points at (read here with a plain, lenient parse). */
    private static void checkBytesAgainstHeader(SafeTensors st, byte[] content, String description) throws IOException {
        long n = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).getLong();
        var header = new com.fasterxml.jackson.databind.ObjectMapper().readTree(new String(content, 8, (int) n,
                StandardCharsets.UTF_8));
        int count = 0;
        for (var e : header.properties()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            count++;
            long begin = e.getValue().get("data_offsets").get(0).asLong();
            long end = e.getValue().get("data_offsets").get(1).asLong();
            byte[] expected = java.util.Arrays.copyOfRange(content, (int) (8 + n + begin), (int) (8 + n + end));
            byte[] actual = st.tensor(e.getKey()).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertTrue(java.util.Arrays.equals(expected, actual), description + ": bytes of " + e.getKey());
        }
        assertEquals(count, st.names().size(), description + ": tensor count");
    }

    private byte[] flipBits(SplittableRandom rnd, int from, int to, int count) {
        byte[] b = valid.clone();
        for (int i = 0; i < count; i++) {
            int pos = from + rnd.nextInt(to - from);
            b[pos] ^= (byte) (1 << rnd.nextInt(8));
        }
        return b;
    }

    private long lengthFieldValue(SplittableRandom rnd) {
        return switch (rnd.nextInt(8)) {
            case 0 -> headerLen + 1 + rnd.nextInt(16);
            case 1 -> headerLen - 1 - rnd.nextInt(16);
            case 2 -> rnd.nextLong();
            case 3 -> valid.length - 8 + rnd.nextInt(3) - 1;
            case 4 -> rnd.nextInt(3);
            case 5 -> Long.MIN_VALUE + rnd.nextInt(3);
            case 6 -> -headerLen;
            default -> 1L << (32 + rnd.nextInt(31));
        };
    }

    private byte[] withLengthField(long value) {
        byte[] b = valid.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value);
        return b;
    }

    /** Every region boundary (±1) plus random cut points. */
    private TreeSet<Long> truncationPoints(SplittableRandom rnd) {
        TreeSet<Long> cuts = new TreeSet<>();
        for (long c = 0; c <= 9; c++) {
            cuts.add(c);
        }
        for (long c : new long[] {8 + headerLen / 2, 8 + headerLen - 1, 8 + headerLen, 8 + headerLen + 1}) {
            cuts.add(c);
        }
        for (long[] r : tensorRanges) {
            for (long c : new long[] {r[0] - 1, r[0], r[0] + 1, r[1] - 1, r[1], r[1] + 1}) {
                cuts.add(c);
            }
        }
        for (int i = 0; i < 300; i++) {
            cuts.add((long) rnd.nextInt(valid.length));
        }
        cuts.removeIf(c -> c < 0 || c >= valid.length);
        return cuts;
    }

    /** Replace/delete/insert one JSON token; usually with a corrected length field so the edit reaches the parser. */
    private byte[] tokenEdit(SplittableRandom rnd) {
        String json = headerJson;
        String edited = switch (rnd.nextInt(4)) {
            case 0 -> replaceRandom(json, NUMBER, NUMBER_REPLACEMENTS, rnd);
            case 1 -> replaceRandom(json, STRING, STRING_REPLACEMENTS, rnd);
            case 2 -> {
                int pos = rnd.nextInt(json.length());
                yield json.substring(0, pos) + json.substring(pos + 1);
            }
            default -> {
                int pos = rnd.nextInt(json.length() + 1);
                yield json.substring(0, pos) + INSERTABLE.charAt(rnd.nextInt(INSERTABLE.length())) + json.substring(pos);
            }
        };
        return assemble(edited, rnd.nextInt(10) == 0);
    }

    /** Duplicate names, swapped / overlapping / out-of-range offsets. */
    private byte[] structuralEdit(SplittableRandom rnd) {
        List<Entry> entries = new ArrayList<>();
        Matcher m = ENTRY.matcher(headerJson);
        while (m.find()) {
            entries.add(new Entry(m.start(), m.end(), m.group()));
        }
        Entry a = entries.get(rnd.nextInt(entries.size()));
        Entry b = entries.get(rnd.nextInt(entries.size()));
        String json = headerJson;
        String edited = switch (rnd.nextInt(4)) {
            case 0 -> json.substring(0, a.end) + "," + a.text + json.substring(a.end); // duplicate name
            case 1 -> { // a's offsets := b's offsets (overlap unless a == b or empty)
                String offsB = offsets(b.text);
                yield json.substring(0, a.start) + a.text.replace(offsets(a.text), offsB) + json.substring(a.end);
            }
            case 2 -> { // shift a's range by a random delta, keeping its length
                long[] o = parseOffsets(a.text);
                long delta = rnd.nextInt(41) - 20;
                yield json.substring(0, a.start) + a.text.replace(offsets(a.text),
                        "[" + (o[0] + delta) + "," + (o[1] + delta) + "]") + json.substring(a.end);
            }
            default -> { // move a past the end of the data area
                long[] o = parseOffsets(a.text);
                long dataSize = valid.length - 8L - headerLen;
                long begin = dataSize - (o[1] - o[0]) + 1 + rnd.nextInt(8);
                yield json.substring(0, a.start) + a.text.replace(offsets(a.text),
                        "[" + begin + "," + (begin + o[1] - o[0]) + "]") + json.substring(a.end);
            }
        };
        return assemble(edited, false);
    }

    private record Entry(int start, int end, String text) {
    }

    private static String offsets(String entry) {
        Matcher m = Pattern.compile("\\[\\d+,\\d+\\]").matcher(entry.substring(entry.indexOf("data_offsets")));
        if (!m.find()) {
            throw new IllegalStateException("no offsets in " + entry);
        }
        return m.group();
    }

    private static long[] parseOffsets(String entry) {
        String o = offsets(entry);
        String[] parts = o.substring(1, o.length() - 1).split(",");
        return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
    }

    private static String replaceRandom(String json, Pattern token, String[] replacements, SplittableRandom rnd) {
        List<int[]> spans = new ArrayList<>();
        Matcher m = token.matcher(json);
        while (m.find()) {
            spans.add(new int[] {m.start(), m.end()});
        }
        int[] s = spans.get(rnd.nextInt(spans.size()));
        String replacement = rnd.nextInt(4) == 0
                ? String.valueOf(rnd.nextInt(64))
                : replacements[rnd.nextInt(replacements.length)];
        return json.substring(0, s[0]) + replacement + json.substring(s[1]);
    }

    /** New header with the original data area; {@code staleLength} keeps the old length field (mismatch). */
    private byte[] assemble(String json, boolean staleLength) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) & ~7;
        byte[] data = java.util.Arrays.copyOfRange(valid, 8 + headerLen, valid.length);
        ByteBuffer out = ByteBuffer.allocate(8 + padded + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(staleLength ? headerLen : padded).put(h);
        for (int i = h.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(data);
        return out.array();
    }
}
