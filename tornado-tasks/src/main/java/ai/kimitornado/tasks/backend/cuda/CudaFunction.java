package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A kernel entry point of a loaded module; launches go through {@link #launch}. */
public final class CudaFunction {
    private static final int CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0;
    private static final int CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1;
    private static final int CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3;
    private static final int CU_FUNC_ATTRIBUTE_NUM_REGS = 4;
    private static final int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;

    private final CudaContext context;
    private final MemorySegment handle;
    private final String name;
    private int maxThreads; // cached: asked on every launch by the runtime path

    CudaFunction(CudaContext context, MemorySegment handle, String name) {
        this.context = context;
        this.handle = handle;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Most threads per block this kernel can launch with (limited by its register use). */
    public int maxThreadsPerBlock() {
        if (maxThreads == 0) {
            maxThreads = attribute(CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK);
        }
        return maxThreads;
    }

    /** Registers per thread after the driver JIT. */
    public int registers() {
        return attribute(CU_FUNC_ATTRIBUTE_NUM_REGS);
    }

    /** Static shared memory in bytes. */
    public int staticSharedBytes() {
        return attribute(CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES);
    }

    /** Local (spill/stack) memory per thread in bytes. */
    public int localBytes() {
        return attribute(CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES);
    }

    /** Lets launches request up to {@code bytes} of dynamic shared memory (above the 48 KiB default). */
    public void allowDynamicSharedBytes(int bytes) {
        context.makeCurrent();
        CudaErrors.check(CudaApi.funcSetAttribute(handle, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
                "allowing " + bytes + " bytes of dynamic shared memory for " + name);
    }

    private int attribute(int attribute) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            CudaErrors.check(CudaApi.funcGetAttribute(out, attribute, handle),
                    "reading attribute " + attribute + " of kernel " + name);
            return out.get(JAVA_INT, 0);
        }
    }

    /**
     * Enqueues the kernel: {@code grid} blocks of {@code block} threads, arguments from {@code params}
     * (copied by the driver during this call, so {@code params} may be changed right after).
     */
    public void launch(LaunchGeometry geometry, KernelParams params, CudaStream stream) {
        context.makeCurrent();
        int rc = CudaApi.launchKernel(handle, geometry.gridX(), geometry.gridY(), geometry.gridZ(),
                geometry.blockX(), geometry.blockY(), geometry.blockZ(), geometry.dynamicSharedBytes(),
                stream.handle(), params.pointers(), MemorySegment.NULL);
        if (rc != 0) {
            throw new CudaException(rc, "launching " + name + " with " + geometry + " on " + context.device().id());
        }
    }
}
