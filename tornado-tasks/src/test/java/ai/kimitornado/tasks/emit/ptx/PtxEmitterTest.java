package ai.kimitornado.tasks.emit.ptx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Java kernels → IR → PTX → ptxas -arch=sm_90, and the instructions the emitter promises. */
class PtxEmitterTest {

    static PtxKernel emit(String kernel) {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(PtxTestKernels.class, kernel));
        return PtxEmitter.emit(ir, PtxTarget.SM_90);
    }

    @ParameterizedTest
    @ValueSource(strings = {"saxpy", "integers", "conversions", "floatMath", "doubleMath", "doubleTranscendental", "halfPrecision",
        "groupSum", "control"})
    void assemblesForSm90(String kernel) {
        PtxKernel ptx = emit(kernel);
        Ptxas.assemble(ptx.source(), "sm_90", "PtxTestKernels." + kernel);
    }

    @Test
    void saxpyUsesReadOnlyLoadsAndNoContraction() {
        String src = emit("saxpy").source();
        assertTrue(src.startsWith("//") && src.contains(".version 7.8\n.target sm_90\n.address_size 64"), src);
        assertTrue(src.contains("ld.global.nc.f32"), "x is only read: " + src);
        assertTrue(src.contains("mul.rn.f32") && src.contains("add.rn.f32"), "Java forbids a*b+c contraction: " + src);
    }

    @Test
    void groupSumUsesSharedMemoryBarriersAndAtomics() {
        String src = emit("groupSum").source();
        assertTrue(src.contains(".shared .align 8 .b8 lmem0[1024]"), src);
        assertTrue(src.contains("bar.sync 0") && src.contains("atom.global.add.f32") && src.contains("atom.global.add.u32"), src);
        assertTrue(src.contains("%tid.x") && src.contains("%ctaid.x") && src.contains("%ntid.x"), src);
    }

    @Test
    void floatToIntSaturatesLikeJava() {
        String src = emit("conversions").source();
        assertTrue(src.contains("cvt.rzi.sat.s32.f32") && src.contains("cvt.rzi.sat.s64.f64"), src);
    }

    @Test
    void everyGpuBenchKernelAssembles() {
        for (java.lang.reflect.Method m : GpuBenchKernels.class.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isPublic(m.getModifiers()) && m.getReturnType() == void.class) {
                KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(m));
                Ptxas.assemble(PtxEmitter.emit(ir, PtxTarget.SM_90).source(), "sm_90", "GpuBenchKernels." + m.getName());
            }
        }
    }

    @Test
    void aliasSafeVariantDropsTheReadOnlyCache() {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(PtxTestKernels.class, "saxpy"));
        String plain = PtxEmitter.emit(ir, PtxTarget.SM_90, false).source();
        assertTrue(!plain.contains(".nc") && plain.contains("ld.global.f32"), plain);
    }
}
