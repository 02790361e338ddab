package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class DevicesAndKernelsCommandTest {

    /** A kernel class for the kernels command: two kernels, one rejected construct, one non-kernel. */
    public static final class SampleKernels {
        public static void scale(FloatArray a, float s, int n) {
            for (@Parallel int i = 0; i < n; i++) a.set(i, a.get(i) * s);
        }

        public static void iota(KernelContext ctx, FloatArray a) {
            a.set(ctx.globalIdx, ctx.globalIdx);
        }

        public static void allocates(FloatArray a) {
            a.set(0, new float[4].length);
        }

        public static int notAKernel(int x) {
            return x;
        }
    }

    private static String run(int expectedExit, String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            assertEquals(expectedExit, Main.commandLine().execute(args));
        } finally {
            System.setOut(old);
        }
        String out = buf.toString();
        System.out.println(out);
        return out;
    }

    @Test
    void devicesListsJavaAndSaysWhyABackendIsMissing() {
        String out = run(0, "devices");
        assertTrue(out.contains("java  JVM"), out);
        assertTrue(out.contains("compute units"), out);
        // OpenCL either lists devices or says in one line why it cannot.
        assertTrue(out.contains("opencl:") || out.contains("opencl: no devices ("), out);
    }

    @Test
    void kernelsWritesOpenClPerKernelAndReportsRejections(@TempDir Path dir) throws Exception {
        run(1, "kernels", "--backend", "opencl", "--out", dir.toString(), "--class", SampleKernels.class.getName());
        String scale = Files.readString(dir.resolve("SampleKernels.scale.cl"));
        assertTrue(scale.contains("__kernel") && scale.contains("scale"), scale);
        assertTrue(Files.readString(dir.resolve("SampleKernels.iota.cl")).contains("get_global_id"));
        String err = Files.readString(dir.resolve("SampleKernels.allocates.error.txt"));
        assertTrue(err.contains("SampleKernels") && err.contains("allocates"), err);
        assertFalse(Files.exists(dir.resolve("SampleKernels.notAKernel.cl")));
    }

    @Test
    void kernelsDefaultsToEveryModelKernel(@TempDir Path dir) throws Exception {
        run(0, "kernels", "--out", dir.toString());
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("RmsNormRows.") && n.endsWith(".cl")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".error.txt")), names.toString());
        }
    }
}
