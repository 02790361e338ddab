package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/** The copy kernel {@code bench} times to measure device bandwidth, JIT-compiled like the model kernels. */
public final class BenchCopyKernel {
    private BenchCopyKernel() {
    }

    /** dst[i] = src[i]; reads and writes {@code 4·n} bytes each. */
    public static void copy(FloatArray src, FloatArray dst) {
        for (@Parallel int i = 0; i < dst.getSize(); i++) {
            dst.set(i, src.get(i));
        }
    }
}
