package ai.kimitornado.tasks.jit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import org.junit.jupiter.api.Test;
import ai.kimitornado.tasks.types.arrays.FloatArray;

class SmokeTest {
    public static void saxpy(FloatArray x, FloatArray y, float a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            y.set(i, a * x.get(i) + y.get(i));
        }
    }

    @Test
    void parallelBoundsComeFromArguments() {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(SmokeTest.class, "saxpy"));
        System.out.println(OpenClEmitter.emit(ir).source());
        ParallelDim d = ir.parallelDims().get(0);
        Object[] args = {new FloatArray(3), new FloatArray(3), 2f, 77};
        assertEquals(0, d.lowerBound(args));
        assertEquals(77, d.upperBound(args));
    }
}
