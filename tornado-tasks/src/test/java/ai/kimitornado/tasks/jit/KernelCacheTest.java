package ai.kimitornado.tasks.jit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelCacheTest {
    @TempDir
    Path dir;

    @Test
    void secondCacheInstanceFindsWhatTheFirstWrote() {
        KernelIR ir = KernelCompiler.frontEnd(Catalogue.ENTRIES.get(0).kernel());
        String key = KernelCache.key(ir.bytecodeHash(), "", "opencl", "pocl-cpu");
        KernelCache first = new KernelCache(dir);
        assertTrue(first.source(key).isEmpty());
        String src = OpenClEmitter.emit(ir).source();
        first.putSource(key, src);
        first.putBinary(key, new byte[] {1, 2, 3});

        KernelCache second = new KernelCache(dir); // a "second run"
        assertEquals(src, second.source(key).orElseThrow());
        assertArrayEquals(new byte[] {1, 2, 3}, second.binary(key).orElseThrow());
        assertEquals(new KernelCache.Stats(2, 0), second.stats());
    }

    @Test
    void keyCoversEveryComponentAndBytecodeHashDiffersPerKernel() {
        String k = KernelCache.key("h", "s", "b", "d");
        assertNotEquals(k, KernelCache.key("h2", "s", "b", "d"));
        assertNotEquals(k, KernelCache.key("h", "s2", "b", "d"));
        assertNotEquals(k, KernelCache.key("h", "s", "b2", "d"));
        assertNotEquals(k, KernelCache.key("h", "s", "b", "d2"));
        String h0 = KernelCompiler.frontEnd(Catalogue.ENTRIES.get(0).kernel()).bytecodeHash();
        String h1 = KernelCompiler.frontEnd(Catalogue.ENTRIES.get(1).kernel()).bytecodeHash();
        assertNotEquals(h0, h1);
        assertEquals(64, h0.length());
    }

    @Test
    void damagedTruncatedAndForeignEntriesAreReportedMissesNeverReturned() throws Exception {
        KernelCache writer = new KernelCache(dir);
        String flipped = KernelCache.key("flipped", "", "opencl", "x");
        String truncated = KernelCache.key("truncated", "", "opencl", "x");
        String foreign = KernelCache.key("foreign", "", "opencl", "x");
        String whole = KernelCache.key("whole", "", "opencl", "x");
        byte[] payload = new byte[1000];
        new java.util.Random(7).nextBytes(payload);
        for (String k : new String[] {flipped, truncated, foreign, whole}) writer.putBinary(k, payload);
        java.nio.file.Path f = entry(flipped);
        byte[] bytes = java.nio.file.Files.readAllBytes(f);
        bytes[bytes.length - 100] ^= 1;
        java.nio.file.Files.write(f, bytes);
        f = entry(truncated);
        bytes = java.nio.file.Files.readAllBytes(f);
        java.nio.file.Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length - 1));
        java.nio.file.Files.write(entry(foreign), payload); // a raw file, as format 1 wrote them

        KernelCache reader = new KernelCache(dir);
        long before = KernelCache.rejectedInProcess();
        assertTrue(reader.binary(flipped).isEmpty(), "a flipped bit is never handed out");
        assertTrue(reader.binary(truncated).isEmpty());
        assertTrue(reader.binary(foreign).isEmpty());
        assertArrayEquals(payload, reader.binary(whole).orElseThrow());
        assertEquals(new KernelCache.Stats(1, 3, 3), reader.stats());
        assertEquals(3, KernelCache.rejectedInProcess() - before);
        String all = String.join("\n", reader.rejected());
        assertTrue(all.contains("checksum mismatch"), all);
        assertTrue(all.contains("truncated"), all);
        assertTrue(all.contains("bad header"), all);
        assertTrue(all.contains(flipped), "names the file: " + all);
    }

    @Test
    void keysDependOnTheEntryFormat() {
        assertEquals(64, KernelCache.key("h", "s", "b", "d").length());
        assertTrue(KernelCache.FORMAT >= 2, "format 2 added the checksummed header");
    }

    private java.nio.file.Path entry(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".bin");
    }

    @Test
    void memoryOnlyCacheNeverTouchesDisk() {
        KernelCache c = KernelCache.memoryOnly();
        String key = KernelCache.key("h", "", "opencl", "x");
        c.putSource(key, "src");
        assertEquals("src", c.source(key).orElseThrow());
        assertTrue(c.directory().isEmpty());
    }
}
