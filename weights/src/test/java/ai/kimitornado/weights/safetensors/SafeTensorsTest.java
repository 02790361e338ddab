package ai.kimitornado.weights.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path tmp;

    @Test
    void writeThenReadEveryDtype() {
        long seed = System.nanoTime();
        System.out.println("writeThenReadEveryDtype seed=" + seed);
        List<TensorData> tensors = SampleFiles.tensors(seed);
        Path file = tmp.resolve("all.safetensors");
        SafeTensorsWriter.write(file, tensors, Map.of("k", "v"));
        try (SafeTensors st = SafeTensors.open(file)) {
            assertEquals(tensors.stream().map(TensorData::name).toList(), List.copyOf(st.names()));
            assertEquals(Map.of("k", "v"), st.metadata());
            for (TensorData t : tensors) {
                TensorView v = st.tensor(t.name());
                assertEquals(t.dtype(), v.dtype());
                assertArrayEquals(t.shape(), v.shape());
                assertArrayEquals(t.bytes(), v.data().toArray(ValueLayout.JAVA_BYTE), t.name());
                assertEquals(file, v.file());
            }
            assertEquals(3.25f, st.tensor("scalar").getFloat(0));
            assertEquals(1, st.tensor("scalar").numel());
            assertEquals(0, st.tensor("empty").numel());
            assertEquals(1e300, st.tensor("w.f64").toDoubleArray()[2]);
            float[] bf = st.tensor("w.bf16").toFloatArray();
            assertArrayEquals(decodeBf16(tensors.getFirst().bytes()), bf);
            assertArrayEquals(longs(tensors.get(4).bytes()), st.tensor("pos").toLongArray());
            assertThrows(SafeTensorsException.class, () -> st.tensor("w.f32").toIntArray());
            SafeTensorsException missing = assertThrows(SafeTensorsException.class, () -> st.tensor("nope"));
            assertTrue(missing.getMessage().contains("'nope'") && missing.getMessage().contains(file.toString()));
        }
    }

    @Test
    void smallFloatFormatsDecode() {
        assertEquals(448f, Fp8.e4m3ToFloat((byte) 0x7E));
        assertTrue(Float.isNaN(Fp8.e4m3ToFloat((byte) 0x7F)));
        assertEquals(-2f, Fp8.e4m3ToFloat((byte) 0xC0));
        assertEquals(0x1p-9f, Fp8.e4m3ToFloat((byte) 0x01));
        assertEquals(1f, Fp8.e4m3ToFloat((byte) 0x38));
        assertEquals(57344f, Fp8.e5m2ToFloat((byte) 0x7B));
        assertEquals(Float.POSITIVE_INFINITY, Fp8.e5m2ToFloat((byte) 0x7C));
        assertEquals(1f, Fp8.e5m2ToFloat((byte) 0x3C));
        assertEquals(0x1p-16f, Fp8.e5m2ToFloat((byte) 0x01));
        assertEquals(1f, Bf16.toFloat((short) 0x3F80));
        assertEquals((short) 0x3F80, Bf16.fromFloat(1.00390625f)); // tie rounds to even
        assertEquals((short) 0x3F82, Bf16.fromFloat(1.01171875f)); // tie rounds to even (up)
        assertTrue(Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN))));
    }

    @Test
    void convenienceArraysAndViewsAreWritable() {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("f", new float[] {1.5f, -2f});
        in.put("i", new int[] {3, -4, 5});
        Path a = tmp.resolve("a.safetensors");
        SafeTensorsWriter.write(a, in, null);
        try (SafeTensors st = SafeTensors.open(a)) {
            assertArrayEquals(new float[] {1.5f, -2f}, st.tensor("f").toFloatArray());
            assertArrayEquals(new int[] {3, -4, 5}, st.tensor("i").toIntArray());
            Path b = tmp.resolve("b.safetensors");
            SafeTensorsWriter.write(b, Map.of("copy", st.tensor("i")), Map.of());
            try (SafeTensors st2 = SafeTensors.open(b)) {
                assertArrayEquals(new int[] {3, -4, 5}, st2.tensor("copy").toIntArray());
                assertEquals(Map.of(), st2.metadata());
            }
        }
    }

    @Test
    void headerIsPaddedToEightBytes() throws IOException {
        Path f = tmp.resolve("p.safetensors");
        SafeTensorsWriter.write(f, Map.of("x", new float[] {1}), Map.of());
        byte[] b = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n + 4, b.length);
    }

    @Test
    void rejectsHeaderLengthBeyondFile() throws IOException {
        assertRejects(raw(Long.MAX_VALUE, "{}", 0), "header length");
        assertRejects(raw(-1, "{}", 0), "header length");
        assertRejects(raw(1000, "{}", 0), "header length");
        assertRejects(new byte[5], "at least the 8-byte");
    }

    @Test
    void rejectsBadEntries() throws IOException {
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", 16), "Duplicate field 'a'");
        assertRejects(header("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), "unknown dtype 'F33'");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "needs 12 bytes");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 7), "beyond the data area");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20), "no holes");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "no holes");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 9), "end where the last tensor ends");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8), "non-negative");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}", 8), "overflow");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8), "end before begin");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8), "'data_offsets'");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8), "unexpected key 'x'");
        assertRejects(header("{\"a\":[1]}", 8), "expected an object");
        assertRejects(header("[1,2]", 8), "must be a JSON object");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", 8), "malformed JSON");
        assertRejects(header("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__['k']");
        assertRejects(header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", 8), "'shape'[0]");
        assertRejects(header("{} trailing", 0), "malformed JSON");
        byte[] badUtf8 = header("{\"\u00e9\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", 4);
        badUtf8[11] = (byte) 0xFF; // first byte of the two-byte é
        assertRejects(badUtf8, "UTF-8");
    }

    @Test
    void openingMissingThingsNamesThem() {
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(tmp.resolve("nothing")));
        assertTrue(e.getMessage().contains("nothing"), e.getMessage());
        SafeTensorsException dir = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(tmp));
        assertTrue(dir.getMessage().contains(SafeTensors.INDEX_FILE), dir.getMessage());
    }

    @Test
    void viewsAreUnusableAfterClose() {
        Path f = tmp.resolve("c.safetensors");
        SafeTensorsWriter.write(f, Map.of("x", new float[] {1, 2}), Map.of());
        TensorView v;
        try (SafeTensors st = SafeTensors.open(f)) {
            v = st.tensor("x");
            assertEquals(2f, v.getFloat(1));
        }
        assertThrows(IllegalStateException.class, () -> v.getFloat(0));
    }

    private void assertRejects(byte[] content, String expectedInMessage) throws IOException {
        Path f = tmp.resolve("bad.safetensors");
        Files.write(f, content);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(f).close());
        assertTrue(e.getMessage().contains(f.toString()), "message must name the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(expectedInMessage), "'" + e.getMessage() + "' lacks '" + expectedInMessage + "'");
    }

    static byte[] header(String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, json, dataBytes);
    }

    static byte[] raw(long headerLenField, String json, int dataBytes) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(headerLenField).put(h);
        return b.array();
    }

    private static float[] decodeBf16(byte[] b) {
        float[] f = new float[b.length / 2];
        for (int i = 0; i < f.length; i++) {
            f[i] = Float.intBitsToFloat(((b[2 * i] & 0xFF) | (b[2 * i + 1] & 0xFF) << 8) << 16);
        }
        return f;
    }

    private static long[] longs(byte[] b) {
        long[] out = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
        return out;
    }
}
