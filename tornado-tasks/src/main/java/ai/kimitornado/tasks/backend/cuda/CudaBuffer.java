package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A device allocation (cuMemAlloc_v2). Copies are enqueued on a stream; {@link #close()} frees it. */
public final class CudaBuffer implements AutoCloseable {
    private final CudaContext context;
    private final long address; // CUdeviceptr
    private final long bytes;
    private final String what;
    private boolean freed;

    private CudaBuffer(CudaContext context, long address, long bytes, String what) {
        this.context = context;
        this.address = address;
        this.bytes = bytes;
        this.what = what;
    }

    static CudaBuffer allocate(CudaContext context, long bytes, String what) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device buffer '" + what + "' must have a positive size, got " + bytes);
        }
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            CudaErrors.check(CudaApi.memAlloc(out, bytes),
                    "allocating " + bytes + " bytes for '" + what + "' on " + context.device().id());
            return new CudaBuffer(context, out.get(JAVA_LONG, 0), bytes, what);
        }
    }

    /** The device pointer, as a kernel argument or a copy endpoint. */
    public long address() {
        return address;
    }

    public long bytes() {
        return bytes;
    }

    public String what() {
        return what;
    }

    public CudaContext context() {
        return context;
    }

    /** Host → device: {@code count} bytes from {@code host} to this buffer at {@code offset}. */
    public void copyFromHost(MemorySegment host, long offset, long count, CudaStream stream) {
        checkRange(offset, count, host.byteSize(), "copy from host");
        context.makeCurrent();
        CudaErrors.check(CudaApi.memcpyHtoDAsync(address + offset, host, count, stream.handle()),
                "copying " + count + " bytes host→device into '" + what + "'");
    }

    /** Device → host: {@code count} bytes of this buffer at {@code offset} into {@code host}. */
    public void copyToHost(MemorySegment host, long offset, long count, CudaStream stream) {
        checkRange(offset, count, host.byteSize(), "copy to host");
        context.makeCurrent();
        CudaErrors.check(CudaApi.memcpyDtoHAsync(host, address + offset, count, stream.handle()),
                "copying " + count + " bytes device→host from '" + what + "'");
    }

    /** Device → device: {@code count} bytes from {@code source} into this buffer. */
    public void copyFrom(CudaBuffer source, long count, CudaStream stream) {
        if (count > bytes || count > source.bytes) {
            throw new IllegalArgumentException("device copy of " + count + " bytes from '" + source.what + "' ("
                    + source.bytes + " bytes) into '" + what + "' (" + bytes + " bytes) is out of range");
        }
        context.makeCurrent();
        CudaErrors.check(CudaApi.memcpyDtoDAsync(address, source.address, count, stream.handle()),
                "copying " + count + " bytes device→device from '" + source.what + "' into '" + what + "'");
    }

    /** Fills the buffer with a 32-bit pattern (e.g. a NaN to poison outputs in tests). */
    public void fill32(int pattern, CudaStream stream) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.memsetD32Async(address, pattern, bytes / 4, stream.handle()),
                "filling '" + what + "' with 0x" + Integer.toHexString(pattern));
    }

    private void checkRange(long offset, long count, long hostBytes, String action) {
        if (offset < 0 || count < 0 || offset + count > bytes || count > hostBytes) {
            throw new IllegalArgumentException(action + " of " + count + " bytes at offset " + offset + " is out of range for '"
                    + what + "' (" + bytes + " device bytes, " + hostBytes + " host bytes)");
        }
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.memFree(address), "freeing '" + what + "' on " + context.device().id());
        }
    }
}
