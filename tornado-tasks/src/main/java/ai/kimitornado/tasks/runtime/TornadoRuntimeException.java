package ai.kimitornado.tasks.runtime;

/** A task graph, plan or device could not do what was asked; the message says what and where. */
public class TornadoRuntimeException extends RuntimeException {
    public TornadoRuntimeException(String message) {
        super(message);
    }

    public TornadoRuntimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
