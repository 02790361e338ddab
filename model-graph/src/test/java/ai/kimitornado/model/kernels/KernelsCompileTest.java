package ai.kimitornado.model.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every model kernel goes through the JIT front end and the OpenCL C emitter (no hand-written device code). */
class KernelsCompileTest {
    static final List<Class<?>> KERNEL_CLASSES = List.of(EmbeddingGather.class, RmsNormRows.class, MatVecBf16.class,
            GemmBf16.class, GemmBf16Tiled.class, SwiGluGateUp.class, ShortConvSilu.class, L2NormQk.class, KdaForgetGate.class, KdaBeta.class,
            KdaRecurrentStep.class, KdaRecurrentSplit.class, KdaConvSiluNorm.class, KdaGates.class, KdaChunkPrefill.class,
            GatedHeadRmsNorm.class, MlaLatentNormAppend.class,
            MlaQueryAbsorb.class, MlaAttentionPartial.class, MlaAttentionCombine.class, MlaValueUp.class,
            MoeRouterTopK.class, MoeExpertsGateUp.class, MoeExpertsDown.class, MoeExpertGroups.class, MoeExpertGroupsSplit.class, MoeGroupedGateUp.class,
            MoeGroupedDown.class, MoeCombineSlots.class, SampleArgmax.class, SampleTopP.class,
            ResidualAdd.class, CopyRows.class, LastRowSelect.class, SiluMulRows.class, GemmSplitKSum.class,
            MatVecBf16Rows.class, MatVecBf16Fused.class, MlaHeadGemm.class, MoeExpertsGateUpRows.class, MoeExpertsDownRows.class,
            SwiGluGateUpRows.class, MatVecBf16Warp.class,
            MoeRouterTopKWarp.class, MlaFlashDecodeWarp.class, RmsNormRowsWarp.class, KdaGatesWarp.class, MoeExpertsDownSlots.class, MoeExpertsGateUpDeep.class);

    static Stream<Method> kernels() {
        return KERNEL_CLASSES.stream().flatMap(c -> Stream.of(c.getDeclaredMethods()))
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() == void.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void compilesToOpenClC(Method kernel) {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(kernel));
        OpenClEmitter.EmittedKernel emitted = OpenClEmitter.emit(ir);
        assertTrue(emitted.source().contains("__kernel"), emitted.source());
    }
}
