package ai.kimitornado.tasks.emit.ptx;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** CI gate of the PTX backend: every catalogue kernel is emitted as PTX and assembled by ptxas for sm_90. */
class CataloguePtxTest {

    static Stream<CatalogueEntry> entries() {
        return Catalogue.ENTRIES.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void assemblesForSm90(CatalogueEntry entry) {
        Ptxas.assumeInstalled();
        KernelIR ir = KernelCompiler.frontEnd(entry.kernel());
        PtxKernel ptx = PtxEmitter.emit(ir, PtxTarget.SM_90);
        Ptxas.assemble(ptx.source(), "sm_90", entry.name());
    }
}
