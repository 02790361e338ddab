package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.cli.DevicesAndKernelsCommandTest.SampleKernels;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kernels --backend spirv}: a .spv module per kernel (+ spirv-dis text when installed), rejections as for OpenCL. */
class KernelsSpirvCommandTest {
    @Test
    void kernelsWritesSpirvModules(@TempDir Path dir) throws Exception {
        int exit = Main.commandLine().execute("kernels", "--backend", "spirv", "--out", dir.toString(),
                "--class", SampleKernels.class.getName());
        assertEquals(1, exit, "one sample kernel is rejected by the JIT");
        byte[] module = Files.readAllBytes(dir.resolve("SampleKernels.scale.spv"));
        assertEquals(0x07230203, ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN).getInt(0), "SPIR-V magic");
        assertTrue(Files.exists(dir.resolve("SampleKernels.iota.spv")));
        assertTrue(Files.exists(dir.resolve("SampleKernels.allocates.error.txt")));
        if (SpirvTools.find("spirv-dis").isPresent()) {
            String text = Files.readString(dir.resolve("SampleKernels.iota.spvasm"));
            assertTrue(text.contains("BuiltIn GlobalInvocationId"), text);
        }
    }
}
