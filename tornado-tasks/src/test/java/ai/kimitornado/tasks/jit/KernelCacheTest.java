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
    void memoryOnlyCacheNeverTouchesDisk() {
        KernelCache c = KernelCache.memoryOnly();
        String key = KernelCache.key("h", "", "opencl", "x");
        c.putSource(key, "src");
        assertEquals("src", c.source(key).orElseThrow());
        assertTrue(c.directory().isEmpty());
    }
}
