package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A module loaded from PTX text by the driver's JIT; functions are looked up by entry name. */
public final class CudaModule implements AutoCloseable {
    // CUjit_option values (cuda.h)
    private static final int CU_JIT_WALL_TIME = 2;
    private static final int CU_JIT_INFO_LOG_BUFFER = 3;
    private static final int CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4;
    private static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    private static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int LOG_BYTES = 16 * 1024;

    private final CudaContext context;
    private final MemorySegment handle;
    private final String what;
    private final String infoLog;
    private final float jitMillis;
    private boolean unloaded;

    private CudaModule(CudaContext context, MemorySegment handle, String what, String infoLog, float jitMillis) {
        this.context = context;
        this.handle = handle;
        this.what = what;
        this.infoLog = infoLog;
        this.jitMillis = jitMillis;
    }

    static CudaModule load(CudaContext context, String ptx, String what) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment image = arena.allocateFrom(ptx); // NUL-terminated, as the driver requires for PTX
            MemorySegment infoLog = arena.allocate(LOG_BYTES);
            MemorySegment errorLog = arena.allocate(LOG_BYTES);
            int[] keys = {CU_JIT_WALL_TIME, CU_JIT_INFO_LOG_BUFFER, CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES,
                CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
            MemorySegment options = arena.allocateFrom(JAVA_INT, keys);
            // option values are void* slots; sizes travel as integers cast to pointers and come back filled
            MemorySegment values = arena.allocate(ADDRESS, keys.length);
            values.setAtIndex(JAVA_LONG, 0, 0L);
            values.setAtIndex(ADDRESS, 1, infoLog);
            values.setAtIndex(JAVA_LONG, 2, LOG_BYTES);
            values.setAtIndex(ADDRESS, 3, errorLog);
            values.setAtIndex(JAVA_LONG, 4, LOG_BYTES);
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = CudaApi.moduleLoadDataEx(out, image, keys.length, options, values);
            if (rc != 0) {
                throw new PtxLoadException(rc, what, context.device().id(), errorLog.getString(0), ptx);
            }
            float millis = values.get(JAVA_FLOAT, 0); // CU_JIT_WALL_TIME writes a float into its slot
            return new CudaModule(context, out.get(ADDRESS, 0), what, infoLog.getString(0), millis);
        }
    }

    /** The kernel {@code entryName} (the PTX {@code .entry} name). */
    public CudaFunction function(String entryName) {
        context.makeCurrent();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            CudaErrors.check(CudaApi.moduleGetFunction(out, handle, arena.allocateFrom(entryName)),
                    "looking up kernel '" + entryName + "' in the module of " + what);
            return new CudaFunction(context, out.get(ADDRESS, 0), entryName);
        }
    }

    /** The JIT's informational log (register and spill counts with verbose builds). */
    public String infoLog() {
        return infoLog;
    }

    /** Wall time of the driver JIT in milliseconds. */
    public float jitMillis() {
        return jitMillis;
    }

    @Override
    public void close() {
        if (!unloaded) {
            unloaded = true;
            context.makeCurrent();
            CudaErrors.check(CudaApi.moduleUnload(handle), "unloading the module of " + what);
        }
    }
}
