package ai.kimitornado.tasks.backend.opencl;

/** OpenCL cannot be used in this process; the message says why in one line. */
public final class ClUnavailableException extends RuntimeException {
    public ClUnavailableException(String reason) {
        super(reason);
    }
}
