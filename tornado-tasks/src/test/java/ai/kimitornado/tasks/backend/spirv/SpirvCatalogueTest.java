package ai.kimitornado.tasks.backend.spirv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.jit.KernelCompiler;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every catalogue entry emitted as SPIR-V passes spirv-val and translates with llvm-spirv-15. Execution of
 * every entry on the spirv device (translator route on PoCL) against plain Java is the runtime's
 * ConformanceTest, which runs on every registered device; SpirvBackendTest makes sure spirv:P:D is registered
 * wherever the translator and a cl_khr_spir device exist, so that run cannot silently drop SPIR-V.
 */
class SpirvCatalogueTest {

    static Stream<CatalogueEntry> entries() {
        return Catalogue.ENTRIES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void validatesAndTranslates(CatalogueEntry e) {
        assumeTrue(SpirvTools.find("spirv-val").isPresent(), "spirv-val not on PATH (Debian spirv-tools): validation skipped");
        byte[] module = SpirvEmitter.emit(KernelCompiler.frontEnd(e.kernel())).module();
        SpirvTools.Result valid = SpirvTools.validate(module);
        assertTrue(valid.ok(), () -> e.name() + ": " + valid.describe() + "\n" + SpirvTools.disassemble(module).stdout());
        if (SpirvTools.findTranslator().isPresent()) {
            SpirvTools.Result translated = SpirvTools.translateToSpirBitcode(module);
            assertTrue(translated.ok(), () -> e.name() + ": " + translated.describe());
            assertEquals('B', translated.outputFile()[0], "LLVM bitcode magic");
        }
    }
}
