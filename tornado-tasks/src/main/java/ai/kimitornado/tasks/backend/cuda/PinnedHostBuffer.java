package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory (cuMemHostAlloc). Asynchronous copies from pageable memory are staged by
 * the driver and may not be captured into a CUDA graph; copies from pinned memory are true DMA and can.
 */
public final class PinnedHostBuffer implements AutoCloseable {
    private static final int CU_MEMHOSTALLOC_PORTABLE = 0x01;

    private final CudaContext context;
    private final MemorySegment segment;
    private boolean freed;

    private PinnedHostBuffer(CudaContext context, MemorySegment segment) {
        this.context = context;
        this.segment = segment;
    }

    static PinnedHostBuffer allocate(CudaContext context, long bytes) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudaErrors.check(CudaApi.memHostAlloc(out, bytes, CU_MEMHOSTALLOC_PORTABLE),
                    "allocating " + bytes + " bytes of pinned host memory");
            return new PinnedHostBuffer(context, out.get(ADDRESS, 0).reinterpret(bytes));
        }
    }

    /** The pinned bytes; valid until {@link #close()}. */
    public MemorySegment segment() {
        if (freed) {
            throw new IllegalStateException("pinned host buffer already freed");
        }
        return segment;
    }

    @Override
    public void close() {
        if (!freed) {
            freed = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.memFreeHost(segment), "freeing pinned host memory");
        }
    }
}
