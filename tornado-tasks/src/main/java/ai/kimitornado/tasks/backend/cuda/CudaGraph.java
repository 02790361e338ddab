package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A captured and instantiated CUDA graph: {@link #launch} replays every recorded copy and kernel with
 * one driver call. Kernel arguments are frozen at capture time, so values that change between replays
 * (position, token) must live in device buffers the kernels read.
 */
public final class CudaGraph implements AutoCloseable {
    private final CudaContext context;
    private final MemorySegment graph;
    private final MemorySegment exec;
    private final long nodeCount;
    private final String what;
    private boolean destroyed;

    private CudaGraph(CudaContext context, MemorySegment graph, MemorySegment exec, long nodeCount, String what) {
        this.context = context;
        this.graph = graph;
        this.exec = exec;
        this.nodeCount = nodeCount;
        this.what = what;
    }

    static CudaGraph instantiate(CudaContext context, MemorySegment graph, String what) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_LONG);
            CudaErrors.check(CudaApi.graphGetNodes(graph, MemorySegment.NULL, count), "counting the nodes of '" + what + "'");
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = CudaApi.graphInstantiate(out, graph, 0L);
            if (rc != 0) {
                CudaApi.graphDestroy(graph);
                CudaErrors.check(rc, "instantiating the captured graph '" + what + "'");
            }
            return new CudaGraph(context, graph, out.get(ADDRESS, 0), count.get(JAVA_LONG, 0), what);
        }
    }

    /** How many nodes (kernels, copies, memsets) the capture recorded. */
    public long nodeCount() {
        return nodeCount;
    }

    /** Uploads the graph's work descriptors ahead of the first launch so that launch is not slower. */
    public void upload(CudaStream stream) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.graphUpload(exec, stream.handle()), "uploading graph '" + what + "'");
    }

    /** Replays the graph on {@code stream}. */
    public void launch(CudaStream stream) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.graphLaunch(exec, stream.handle()), "launching graph '" + what + "'");
    }

    @Override
    public void close() {
        if (!destroyed) {
            destroyed = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.graphExecDestroy(exec), "destroying graph exec '" + what + "'");
            CudaErrors.check(CudaApi.graphDestroy(graph), "destroying graph '" + what + "'");
        }
    }
}
