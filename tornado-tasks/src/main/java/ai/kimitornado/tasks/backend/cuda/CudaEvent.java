package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A timing event: record two on a stream, then {@link #elapsedMillis} between them (~0.5 µs resolution). */
public final class CudaEvent implements AutoCloseable {
    private static final int CU_EVENT_DEFAULT = 0x0;

    private final CudaContext context;
    private final MemorySegment handle;
    private final MemorySegment millis = Arena.ofAuto().allocate(JAVA_FLOAT);
    private boolean destroyed;

    private CudaEvent(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    static CudaEvent create(CudaContext context) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudaErrors.check(CudaApi.eventCreate(out, CU_EVENT_DEFAULT), "creating an event");
            return new CudaEvent(context, out.get(ADDRESS, 0));
        }
    }

    /** Marks the point in {@code stream} after everything enqueued so far. */
    public void record(CudaStream stream) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.eventRecord(handle, stream.handle()), "recording an event");
    }

    /** Waits for the event. */
    public void synchronize() {
        context.makeCurrent();
        CudaErrors.check(CudaApi.eventSynchronize(handle), "waiting for an event");
    }

    /** Milliseconds of device time from {@code this} to {@code end} (both recorded and completed). */
    public synchronized float elapsedMillis(CudaEvent end) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.eventElapsedTime(millis, handle, end.handle), "reading elapsed time between events");
        return millis.get(JAVA_FLOAT, 0);
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.eventDestroy(handle), "destroying an event");
        }
    }
}
