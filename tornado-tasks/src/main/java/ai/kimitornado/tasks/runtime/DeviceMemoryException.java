package ai.kimitornado.tasks.runtime;

/** A device allocation failed; the message names the device, the request and what is in use. */
public final class DeviceMemoryException extends RuntimeException {
    public DeviceMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
