package ai.kimitornado.tasks.runtime;

/**
 * Backend SPI, optional: a device that can record the copies and launches of one plan execution and
 * replay them with a single driver call (CUDA graphs). Used by {@code TornadoExecutionPlan.withCUDAGraph()}.
 * Kernel arguments and buffer addresses are frozen at capture: values that change between executions
 * must live in device buffers (scalars are fixed at task declaration anyway).
 */
public interface GraphReplayDevice extends Device {
    /** A captured execution; {@link #close()} releases it. */
    interface Recording extends AutoCloseable {
        /** How many nodes (kernels, copies) were recorded. */
        long nodes();

        @Override
        void close();
    }

    /** Runs nothing: records what {@code work} enqueues through this device. */
    Recording capture(String what, Runnable work);

    /**
     * Replays a recording and waits for it: host copies recorded as transfers are refreshed from/to the
     * host arrays before/after the replay.
     */
    void replay(Recording recording);
}
