package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.runtime.PlanExecutor;

/** The outcome of one {@code execute()}: its profile, and on-demand copies back to the host. */
public final class TornadoExecutionResult {
    private final PlanExecutor executor;
    private final TornadoProfilerResult profile;

    TornadoExecutionResult(PlanExecutor executor, TornadoProfilerResult profile) {
        this.executor = executor;
        this.profile = profile;
    }

    public TornadoProfilerResult getProfilerResult() {
        return profile;
    }

    /** Copies these arrays (typically declared UNDER_DEMAND) from the device now; returns that copy's profile. */
    public TornadoProfilerResult transferToHost(Object... arrays) {
        return executor.transferToHost(arrays);
    }

    /** Execution is synchronous: the result exists only once the work has finished. */
    public boolean isReady() {
        return true;
    }
}
