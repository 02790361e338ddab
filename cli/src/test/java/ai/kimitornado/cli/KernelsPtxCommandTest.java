package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernels --backend ptx}: one .ptx module per kernel, for sm_90. */
class KernelsPtxCommandTest {
    /** A kernel for the command. */
    public static final class PtxSample {
        public static void scale(FloatArray x, float a) {
            for (@Parallel int i = 0; i < x.getSize(); i++) {
                x.set(i, a * x.get(i));
            }
        }
    }

    @Test
    void writesPtxPerKernel(@TempDir Path dir) throws Exception {
        int exit = Main.commandLine().execute("kernels", "--backend", "ptx", "--out", dir.toString(), "--class",
                PtxSample.class.getName());
        assertEquals(0, exit);
        String ptx = Files.readString(dir.resolve("PtxSample.scale.ptx"));
        assertTrue(ptx.contains(".target sm_90") && ptx.contains(".visible .entry scale("), ptx);
    }
}
