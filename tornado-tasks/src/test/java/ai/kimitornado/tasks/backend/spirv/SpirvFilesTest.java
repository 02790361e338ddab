package ai.kimitornado.tasks.backend.spirv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvFiles;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.ir.ArrayRef;
import ai.kimitornado.tasks.jit.ir.Ops;
import ai.kimitornado.tasks.jit.ir.Reg;
import ai.kimitornado.tasks.jit.ir.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpirvFilesTest {
    @Test
    void writesModuleAndDisassembly(@TempDir Path dir) throws Exception {
        IrBuilder b = new IrBuilder("scale");
        ArrayRef x = b.array("x", ElemType.FLOAT);
        Reg gid = b.globalId();
        b.store(x, gid, b.binary(Ops.BinOp.MUL, Type.F32, b.load(x, gid), b.load(x, gid)));
        KernelIR ir = b.finish(false);
        List<Path> written = SpirvFiles.write(ir, dir, "Demo.scale");
        Path spv = dir.resolve("Demo.scale.spv");
        assertTrue(written.contains(spv));
        assertArrayEquals(SpirvEmitter.emit(ir).module(), Files.readAllBytes(spv), "the file is the emitted module");
        if (SpirvTools.find("spirv-dis").isPresent()) {
            assertEquals(2, written.size());
            String text = Files.readString(dir.resolve("Demo.scale.spvasm"));
            assertTrue(text.contains("OpEntryPoint Kernel %scale \"scale\""), text);
            assertTrue(text.contains("OpFMul"), text);
        } else {
            System.out.println("spirv-dis not on PATH: only the .spv was written");
            assertEquals(1, written.size());
        }
    }
}
