package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A device's primary context. CUDA contexts are current per thread, so every object made from this
 * context calls {@link #makeCurrent()} before touching the driver; a thread-local remembers which
 * context this thread last bound so the cost on the launch path is one thread-local read.
 */
public final class CudaContext implements AutoCloseable {
    private static final ThreadLocal<MemorySegment> CURRENT = new ThreadLocal<>();

    private final CudaDeviceInfo device;
    private final MemorySegment handle;
    private boolean released;

    private CudaContext(CudaDeviceInfo device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    static CudaContext retainPrimary(CudaDeviceInfo device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudaErrors.check(CudaApi.primaryCtxRetain(out, device.ordinal()),
                    "retaining the primary context of " + device.id());
            CudaContext context = new CudaContext(device, out.get(ADDRESS, 0));
            context.makeCurrent();
            return context;
        }
    }

    public CudaDeviceInfo device() {
        return device;
    }

    MemorySegment handle() {
        return handle;
    }

    /** Binds this context to the calling thread (no driver call when it already is). */
    public void makeCurrent() {
        if (CURRENT.get() != handle) {
            CudaErrors.check(CudaApi.ctxSetCurrent(handle), "making the context of " + device.id() + " current");
            CURRENT.set(handle);
        }
    }

    /** Device memory of {@code bytes} bytes (cuMemAlloc; 256-byte aligned). */
    public CudaBuffer allocate(long bytes, String what) {
        return CudaBuffer.allocate(this, bytes, what);
    }

    /** Page-locked host memory for fast asynchronous transfers (cuMemHostAlloc). */
    public PinnedHostBuffer allocatePinned(long bytes) {
        return PinnedHostBuffer.allocate(this, bytes);
    }

    /** A non-blocking stream (does not synchronize with the legacy default stream). */
    public CudaStream createStream() {
        return CudaStream.create(this);
    }

    /** A timing event. */
    public CudaEvent createEvent() {
        return CudaEvent.create(this);
    }

    /** Loads PTX with the JIT logs captured; failures show the PTX around the failing line. */
    public CudaModule loadPtx(String ptx, String what) {
        return CudaModule.load(this, ptx, what);
    }

    /** Waits for all work of this context. */
    public void synchronize() {
        makeCurrent();
        CudaErrors.check(CudaApi.ctxSynchronize(), "synchronizing " + device.id());
    }

    /** {free, total} device memory in bytes. */
    public long[] memoryInfo() {
        makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            CudaErrors.check(CudaApi.memGetInfo(free, total), "querying free memory on " + device.id());
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** Releases this process's reference to the primary context. */
    @Override
    public synchronized void close() {
        if (!released) {
            released = true;
            CudaErrors.check(CudaApi.primaryCtxRelease(device.ordinal()), "releasing the context of " + device.id());
        }
    }
}
