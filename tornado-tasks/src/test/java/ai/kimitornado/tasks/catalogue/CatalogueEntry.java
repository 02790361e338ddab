package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.jit.KernelRef;
import java.util.function.LongFunction;

/**
 * One catalogue kernel: the kernel, a generator of fresh arguments from a seed (outputs poisoned), the grid
 * (null for @Parallel kernels: the runtime chooses), and the tolerance for float outputs (0: bit-exact, NaNs
 * equal; otherwise |device - java| <= tolerance * max(1, |java|)). Integer outputs are always exact.
 */
public record CatalogueEntry(String name, KernelRef kernel, LongFunction<Object[]> arguments, Grid grid,
                             double tolerance) {

    /** Explicit NDRange for KernelContext kernels: global and local sizes per dimension. */
    public record Grid(long[] global, long[] local) {
        public static Grid of1d(long global, long local) {
            return new Grid(new long[] {global}, new long[] {local});
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
