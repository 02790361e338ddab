package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.jit.JitPhases;

/**
 * What one {@link PlanExecutor#compileAll()} did.
 *
 * @param tasks      tasks made ready (each task of each graph not compiled before)
 * @param kernels    distinct kernel methods among them
 * @param fromCache  tasks whose driver build was skipped thanks to a cache (memory or disk)
 * @param threads    threads that loaded them (1: one after another)
 * @param wallNanos  wall time of the whole step, including the per-task argument/buffer setup
 * @param phases     per-phase time summed over the loading threads (exceeds the wall time when threads overlap)
 */
public record CompileReport(int tasks, int kernels, int fromCache, int threads, long wallNanos, JitPhases.Snapshot phases) {
    public double wallMillis() {
        return wallNanos / 1e6;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%d tasks (%d kernels, %d from cache) in %.1f ms on %d threads; %s",
                tasks, kernels, fromCache, wallMillis(), threads, phases);
    }
}
