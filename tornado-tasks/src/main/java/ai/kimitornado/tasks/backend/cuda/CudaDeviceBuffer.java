package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.runtime.DeviceBuffer;

/** The runtime's view of a {@link CudaBuffer}. */
record CudaDeviceBuffer(CudaBuffer buffer) implements DeviceBuffer {
    @Override
    public long bytes() {
        return buffer.bytes();
    }

    @Override
    public String label() {
        return buffer.what();
    }
}
