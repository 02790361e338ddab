package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import java.util.Arrays;

/**
 * The runtime's work-item grid → CUDA blocks × threads. @Parallel kernels are grid-stride loops, so the
 * grid may be rounded up to whole blocks. KernelContext kernels see the grid itself (globalGroupSizeX is
 * %nctaid·%ntid), so their global size must be a whole number of blocks, as in OpenCL 1.2.
 */
final class CudaGrids {
    static final int DEFAULT_BLOCK = 256;
    private static final long[] MAX_GRID = {Integer.MAX_VALUE, 65_535, 65_535};

    private CudaGrids() {
    }

    static LaunchGeometry geometry(KernelIR ir, LaunchGrid grid, int maxThreadsPerBlock, String kernel, String device) {
        int dims = grid.dims();
        long[] global = Arrays.copyOf(grid.global(), 3);
        long[] local = new long[] {1, 1, 1};
        for (int d = dims; d < 3; d++) {
            global[d] = 1;
        }
        if (grid.local() != null) {
            System.arraycopy(grid.local(), 0, local, 0, dims);
        } else if (ir.usesKernelContext()) {
            long budget = Math.min(DEFAULT_BLOCK, maxThreadsPerBlock);
            for (int d = 0; d < dims; d++) {
                local[d] = largestDivisorAtMost(global[d], budget);
                budget = Math.max(1, budget / local[d]);
            }
        } else {
            local[0] = Math.min(Math.min(DEFAULT_BLOCK, maxThreadsPerBlock), roundUp(Math.max(1, global[0]), 32));
        }
        long threads = local[0] * local[1] * local[2];
        if (threads > maxThreadsPerBlock) {
            throw new IllegalArgumentException("kernel " + kernel + " on " + device + ": work-group " + Arrays.toString(local)
                    + " has " + threads + " work-items, more than the " + maxThreadsPerBlock + " this kernel can launch with");
        }
        int[] blocks = new int[3];
        for (int d = 0; d < 3; d++) {
            if (ir.usesKernelContext() && global[d] % local[d] != 0) {
                throw new IllegalArgumentException("kernel " + kernel + " on " + device + ": global size " + grid
                        + " is not a multiple of the work-group size in dimension " + d
                        + " (KernelContext kernels on cuda run whole blocks; pad the grid and guard in the kernel)");
            }
            long b = (global[d] + local[d] - 1) / local[d];
            if (b > MAX_GRID[d]) {
                throw new IllegalArgumentException("kernel " + kernel + " on " + device + ": " + b + " blocks in dimension " + d
                        + " exceed CUDA's limit of " + MAX_GRID[d] + " (grid " + grid + ")");
            }
            blocks[d] = (int) Math.max(1, b);
        }
        return new LaunchGeometry(blocks[0], blocks[1], blocks[2], (int) local[0], (int) local[1], (int) local[2], 0);
    }

    private static long largestDivisorAtMost(long n, long limit) {
        for (long d = Math.min(n, limit); d > 1; d--) {
            if (n % d == 0) {
                return d;
            }
        }
        return 1;
    }

    private static long roundUp(long v, long multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
