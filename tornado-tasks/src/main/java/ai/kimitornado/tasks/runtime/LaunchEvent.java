package ai.kimitornado.tasks.runtime;

/**
 * Backend SPI: a submitted launch. {@link #kernelNanos()} waits for it and returns the device-measured
 * execution time ({@code -1} when the launch was submitted without profiling).
 * {@link #close()} releases the native event.
 */
public interface LaunchEvent extends AutoCloseable {
    long kernelNanos();

    @Override
    void close();

    /** An already finished launch timed on the host (java backend). */
    static LaunchEvent completed(long nanos) {
        return new LaunchEvent() {
            @Override
            public long kernelNanos() {
                return nanos;
            }

            @Override
            public void close() {}
        };
    }
}
