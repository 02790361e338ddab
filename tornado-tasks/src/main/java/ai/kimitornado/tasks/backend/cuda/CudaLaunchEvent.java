package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.runtime.LaunchEvent;

/** A profiled launch: events recorded before and after it on the device's stream. */
final class CudaLaunchEvent implements LaunchEvent {
    private final CudaEvent start;
    private final CudaEvent end;
    private boolean closed;

    CudaLaunchEvent(CudaEvent start, CudaEvent end) {
        this.start = start;
        this.end = end;
    }

    @Override
    public long kernelNanos() {
        end.synchronize();
        return Math.round(start.elapsedMillis(end) * 1e6);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            start.close();
            end.close();
        }
    }
}
