package ai.kimitornado.model.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelRef;
import java.lang.reflect.Method;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model kernel emitted as SPIR-V passes spirv-val and translates with llvm-spirv-15 (owner: spirv). */
class KernelsSpirvTest {
    static Stream<Method> kernels() {
        return KernelsCompileTest.kernels();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void emitsValidSpirv(Method kernel) {
        assumeTrue(SpirvTools.find("spirv-val").isPresent(), "spirv-val not on PATH (Debian spirv-tools): skipped");
        byte[] module = SpirvEmitter.emit(KernelCompiler.frontEnd(KernelRef.of(kernel))).module();
        SpirvTools.Result valid = SpirvTools.validate(module);
        assertTrue(valid.ok(), () -> kernel + ": " + valid.describe() + "\n" + SpirvTools.disassemble(module).stdout());
        if (SpirvTools.findTranslator().isPresent()) {
            SpirvTools.Result translated = SpirvTools.translateToSpirBitcode(module);
            assertTrue(translated.ok(), () -> kernel + ": " + translated.describe());
        }
    }
}
