package ai.kimitornado.tasks.emit.spirv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class SpirvWriterTest {

    static void assumeSpirvTools() {
        assumeTrue(SpirvTools.find("spirv-val").isPresent() && SpirvTools.find("spirv-dis").isPresent(),
                "spirv-val/spirv-dis not on PATH (Debian spirv-tools): SPIR-V validation skipped");
    }

    static void assertValid(byte[] module) {
        SpirvTools.Result result = SpirvTools.validate(module);
        assertTrue(result.ok(), () -> result.describe() + "\n" + SpirvTools.disassemble(module).stdout());
    }

    @Test
    void headerAndStringsFollowTheBinaryForm() {
        byte[] module = HandBuiltModules.vectorAdd();
        ByteBuffer words = ByteBuffer.wrap(module).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Spv.MAGIC, words.getInt(0));
        assertEquals(0x00010000, words.getInt(4));
        assertEquals(0, words.getInt(8), "generator id");
        assertTrue(words.getInt(12) > 10, "id bound");
        assertEquals(0, module.length % 4);
        // "OpenCL.std" is 10 bytes + NUL → 3 words, zero padded
        assertArrayEquals(new int[]{0x6e65704f, 0x732e4c43, 0x00006474}, SpirvWords.literalString("OpenCL.std"));
        assertArrayEquals(new int[]{0x64636261, 0}, SpirvWords.literalString("abcd"));
    }

    @Test
    void typesAndConstantsAreDeduplicated() {
        SpirvModule m = new SpirvModule();
        assertEquals(m.typeInt(32), m.typeInt(32));
        assertEquals(m.constantI32(7), m.constantI32(7));
        assertTrue(m.constantI32(7) != m.constantI32(8));
        assertEquals(m.constantF32(-0.0f), m.constantF32(-0.0f));
        assertTrue(m.constantF32(-0.0f) != m.constantF32(0.0f), "-0.0 and 0.0 differ by bits");
        assertEquals(m.typePointer(Spv.StorageClass.CrossWorkgroup, m.typeFloat(32)),
                m.typePointer(Spv.StorageClass.CrossWorkgroup, m.typeFloat(32)));
        assertTrue(m.capabilities().contains(Spv.Capability.Kernel));
        m.typeInt(64);
        m.typeFloat(64);
        assertTrue(m.capabilities().contains(Spv.Capability.Int64));
        assertTrue(m.capabilities().contains(Spv.Capability.Float64));
    }

    @Test
    void handBuiltVectorAddValidates() {
        assumeSpirvTools();
        assertValid(HandBuiltModules.vectorAdd());
        String text = SpirvTools.disassemble(HandBuiltModules.vectorAdd()).stdout();
        assertTrue(text.contains("OpMemoryModel Physical64 OpenCL"), text);
        assertTrue(text.contains("OpEntryPoint Kernel"), text);
        assertTrue(text.contains("BuiltIn GlobalInvocationId"), text);
    }

    @Test
    void handBuiltLocalReductionValidates() {
        assumeSpirvTools();
        assertValid(HandBuiltModules.localReduction());
        String text = SpirvTools.disassemble(HandBuiltModules.localReduction()).stdout();
        assertTrue(text.contains("OpControlBarrier"), text);
        assertTrue(text.contains("Workgroup"), text);
    }

    @Test
    void handBuiltModulesTranslateToSpirBitcode() {
        assumeTrue(SpirvTools.findTranslator().isPresent(), "llvm-spirv-15 not on PATH: translation skipped");
        for (byte[] module : new byte[][]{HandBuiltModules.vectorAdd(), HandBuiltModules.localReduction()}) {
            SpirvTools.Result result = SpirvTools.translateToSpirBitcode(module);
            assertTrue(result.ok(), result::describe);
            assertNotNull(result.outputFile());
            // LLVM bitcode magic 'BC' 0xC0DE
            assertEquals('B', result.outputFile()[0]);
            assertEquals('C', result.outputFile()[1]);
        }
    }

    /** Every OpenCL.std number this emitter uses disassembles to the instruction's own name. */
    @Test
    void openClStdNumbersMatchTheirNames() {
        assumeSpirvTools();
        SpirvModule m = new SpirvModule();
        int tVoid = m.typeVoid();
        int tF32 = m.typeFloat(32);
        SpirvFunction f = m.function(tVoid, m.typeFunction(tVoid), "names");
        f.block(m.newId());
        int x = m.constantF32(0.5f);
        for (OpenClStd instruction : OpenClStd.values()) {
            if (instruction.name().startsWith("v") || instruction.name().startsWith("s_")
                    || instruction.name().startsWith("u_") || instruction.name().endsWith("z")
                    || instruction == OpenClStd.popcount) {
                continue; // integer and pointer forms are checked where they are used
            }
            int arity = switch (instruction) {
                case fma -> 3;
                case atan2, copysign, fmax, fmin, fmod, hypot, pow, remainder -> 2;
                default -> 1;
            };
            int[] operands = new int[arity];
            java.util.Arrays.fill(operands, x);
            f.extInst(tF32, instruction, operands);
        }
        f.returnVoid();
        m.kernelEntryPoint(f, "names");
        byte[] module = m.toBinary();
        String text = SpirvTools.disassemble(module).stdout();
        for (OpenClStd instruction : OpenClStd.values()) {
            if (text.contains("OpExtInst")) {
                if (!(instruction.name().startsWith("v") || instruction.name().startsWith("s_")
                        || instruction.name().startsWith("u_") || instruction.name().endsWith("z")
                        || instruction == OpenClStd.popcount)) {
                    assertTrue(text.contains(" " + instruction.name() + " "), () -> instruction + " missing in\n" + text);
                }
            }
        }
        assertValid(module);
    }
}
