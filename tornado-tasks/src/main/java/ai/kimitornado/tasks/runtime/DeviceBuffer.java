package ai.kimitornado.tasks.runtime;

/**
 * Backend SPI: device memory of {@link #bytes()} bytes, owned by the {@link Device} that allocated
 * it. {@link #label()} names what it holds (for memory reports).
 */
public interface DeviceBuffer {
    long bytes();

    String label();
}
