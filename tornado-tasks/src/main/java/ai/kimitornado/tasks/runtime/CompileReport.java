package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.jit.JitPhases;

/**
 * What one {@link PlanExecutor#compileAll()} did.
 *
 * @param tasks      tasks made ready (each task of each graph not compiled before)
 * @param kernels    distinct kernel methods among them
 * @param fromCache  tasks whose driver build was skipped thanks to a cache (memory or disk)
 * @param threads    threads that loaded them (1: one after another)
 * @param loadNanos  wall time of getting every kernel ready on the device (front end, emit, caches, driver)
 * @param bindNanos  wall time of binding the tasks' arguments afterwards: device buffers are allocated here, at
 *                   first use (not kernel loading; before session 3 it was counted in the compile time)
 * @param phases     per-phase time summed over the loading threads (exceeds the wall time when threads overlap)
 */
public record CompileReport(int tasks, int kernels, int fromCache, int threads, long loadNanos, long bindNanos,
                            JitPhases.Snapshot phases) {
    public double loadMillis() {
        return loadNanos / 1e6;
    }

    public double bindMillis() {
        return bindNanos / 1e6;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d tasks (%d kernels, %d from cache) loaded in %.1f ms on %d threads"
                + " (then arguments/buffers %.1f ms); %s", tasks, kernels, fromCache, loadMillis(), threads, bindMillis(), phases);
    }
}
