package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.ParallelDim;

import java.util.List;

/**
 * Chooses launch geometry. @Parallel kernels: one work-item per iteration of each parallel loop
 * (bounds evaluated from the actual arguments), capped so that the grid stays reasonable; the
 * emitted kernels use grid-stride loops, so a capped grid is still correct. KernelContext kernels:
 * the task's WorkerGrid from the GridScheduler, which they must have.
 */
final class GridPlanner {
    private GridPlanner() {}

    /** The work-items worth launching on {@code info}: enough to fill it several times over. */
    static long cap(DeviceInfo info) {
        long perDevice = (long) Math.max(1, info.computeUnits()) * Math.max(1, info.maxWorkGroupSize()) * 8;
        return Math.max(perDevice, 1L << 16);
    }

    /** Null when a parallel loop has no iteration (nothing to launch). */
    static LaunchGrid forParallel(KernelIR ir, Object[] args, DeviceInfo info) {
        List<ParallelDim> dims = ir.parallelDims();
        if (dims.isEmpty() || dims.size() > 3) {
            throw new TornadoRuntimeException(ir.name() + ": expected 1 to 3 @Parallel loops, found " + dims.size()
                    + " (kernels without @Parallel loops take a KernelContext and a WorkerGrid)");
        }
        long budget = cap(info);
        long[] global = new long[dims.size()];
        for (ParallelDim p : dims) {
            int d = p.dim();
            if (d < 0 || d >= dims.size()) throw new TornadoRuntimeException(ir.name() + ": @Parallel dimension " + d + " out of range");
            if (p.step() <= 0) throw new TornadoRuntimeException(ir.name() + ": @Parallel loop '" + p.variable() + "' has step " + p.step() + "; only increasing loops are parallel");
            // Bounds that depend on an outer loop variable cannot be evaluated here: any size is correct (grid-stride), take a modest one.
            long iterations = p.boundsKnown() ? p.iterations(args) : Math.min(budget, 1024);
            if (iterations == 0) return null;
            global[d] = Math.max(1, Math.min(iterations, budget));
            budget = Math.max(1, budget / global[d]);
        }
        return new LaunchGrid(global, null);
    }

    static LaunchGrid fromWorkerGrid(WorkerGrid grid) {
        return new LaunchGrid(grid.getGlobalWork(), grid.getLocalWork());
    }
}
