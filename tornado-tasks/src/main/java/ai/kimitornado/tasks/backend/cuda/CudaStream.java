package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An in-order queue of copies and launches; also the unit of CUDA graph capture. */
public final class CudaStream implements AutoCloseable {
    private static final int CU_STREAM_NON_BLOCKING = 0x1;
    // CUstreamCaptureMode: THREAD_LOCAL forbids unsafe calls only from this thread, so other threads'
    // unrelated CUDA use (another plan, the profiler) does not invalidate the capture.
    /**
     * RELAXED: a capture records transfers whose pinned staging buffers are allocated while capturing
     * (cuMemHostAlloc); THREAD_LOCAL forbids that call (H200: CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED).
     */
    private static final int CU_STREAM_CAPTURE_MODE_RELAXED = 2;

    private final CudaContext context;
    private final MemorySegment handle;
    private boolean destroyed;

    private CudaStream(CudaContext context, MemorySegment handle) {
        this.context = context;
        this.handle = handle;
    }

    static CudaStream create(CudaContext context) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudaErrors.check(CudaApi.streamCreate(out, CU_STREAM_NON_BLOCKING),
                    "creating a stream on " + context.device().id());
            return new CudaStream(context, out.get(ADDRESS, 0));
        }
    }

    MemorySegment handle() {
        return handle;
    }

    public CudaContext context() {
        return context;
    }

    /** Blocks until everything enqueued so far has finished; kernel faults surface here. */
    public void synchronize() {
        context.makeCurrent();
        CudaErrors.check(CudaApi.streamSynchronize(handle), "waiting for the stream on " + context.device().id());
    }

    /**
     * Records everything {@code work} enqueues on this stream into a graph and instantiates it; nothing
     * runs during capture. Copies inside must use pinned host memory.
     */
    public CudaGraph capture(Runnable work, String what) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.streamBeginCapture(handle, CU_STREAM_CAPTURE_MODE_RELAXED),
                "beginning the capture of '" + what + "'");
        RuntimeException failure = null;
        try {
            work.run();
        } catch (RuntimeException e) {
            failure = e;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment graph = arena.allocate(ADDRESS);
            int rc = CudaApi.streamEndCapture(handle, graph);
            if (failure != null) {
                MemorySegment g = graph.get(ADDRESS, 0);
                if (rc == 0 && !g.equals(MemorySegment.NULL)) {
                    CudaApi.graphDestroy(g);
                }
                throw failure;
            }
            CudaErrors.check(rc, "ending the capture of '" + what + "'");
            return CudaGraph.instantiate(context, graph.get(ADDRESS, 0), what);
        }
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.streamDestroy(handle), "destroying a stream");
        }
    }
}
