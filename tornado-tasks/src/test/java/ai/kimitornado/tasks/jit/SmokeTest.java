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

    interface Task2<A, B> extends java.io.Serializable {
        void apply(A a, B b);
    }

    @Test
    void kernelRefFromMethodReferenceAndNonCapturingLambda() {
        Task2<FloatArray, FloatArray> ref = SmokeTest::copy;
        KernelRef r = KernelRef.of(ref);
        assertEquals("copy", r.methodName());
        Task2<FloatArray, FloatArray> lambda = (x, y) -> {
            for (@Parallel int i = 0; i < x.getSize(); i++) {
                y.set(i, x.get(i) * 2);
            }
        };
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(lambda));
        assertEquals(1, ir.parallelDims().size());
        int captured = 3;
        Task2<FloatArray, FloatArray> capturing = (x, y) -> y.set(0, captured);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> KernelRef.of(capturing));
    }

    public static void copy(FloatArray x, FloatArray y) {
        for (@Parallel int i = 0; i < x.getSize(); i++) {
            y.set(i, x.get(i));
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
