package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Raw downcalls into libcuda.so.1, one static final handle per driver entry point so the JIT can
 * inline the call sites. Symbols are the versioned ones cuda.h maps the plain names to (e.g.
 * {@code cuMemAlloc} → {@code cuMemAlloc_v2}). Every method returns the CUresult; callers check it
 * with {@link CudaErrors#check}. Only touched after {@link CudaLibrary#isLoaded()}.
 */
final class CudaApi {
    // typedefs: CUdevice = int, CUdeviceptr = unsigned long long, handles = pointers, size_t = long
    private static final MemoryLayout DEVICE = JAVA_INT;
    private static final MemoryLayout DEVPTR = JAVA_LONG;
    private static final MemoryLayout SIZE_T = JAVA_LONG;

    private static MethodHandle fn(String name, MemoryLayout... args) {
        return CudaLibrary.function(name, FunctionDescriptor.of(JAVA_INT, args));
    }

    private static final MethodHandle GET_ERROR_NAME = fn("cuGetErrorName", JAVA_INT, ADDRESS);
    private static final MethodHandle GET_ERROR_STRING = fn("cuGetErrorString", JAVA_INT, ADDRESS);
    private static final MethodHandle INIT = fn("cuInit", JAVA_INT);
    private static final MethodHandle DRIVER_GET_VERSION = fn("cuDriverGetVersion", ADDRESS);
    private static final MethodHandle DEVICE_GET_COUNT = fn("cuDeviceGetCount", ADDRESS);
    private static final MethodHandle DEVICE_GET = fn("cuDeviceGet", ADDRESS, JAVA_INT);
    private static final MethodHandle DEVICE_GET_NAME = fn("cuDeviceGetName", ADDRESS, JAVA_INT, DEVICE);
    private static final MethodHandle DEVICE_TOTAL_MEM = fn("cuDeviceTotalMem_v2", ADDRESS, DEVICE);
    private static final MethodHandle DEVICE_GET_ATTRIBUTE = fn("cuDeviceGetAttribute", ADDRESS, JAVA_INT, DEVICE);
    private static final MethodHandle PRIMARY_CTX_RETAIN = fn("cuDevicePrimaryCtxRetain", ADDRESS, DEVICE);
    private static final MethodHandle PRIMARY_CTX_RELEASE = fn("cuDevicePrimaryCtxRelease_v2", DEVICE);
    private static final MethodHandle CTX_SET_CURRENT = fn("cuCtxSetCurrent", ADDRESS);
    private static final MethodHandle CTX_SYNCHRONIZE = fn("cuCtxSynchronize");
    private static final MethodHandle MEM_GET_INFO = fn("cuMemGetInfo_v2", ADDRESS, ADDRESS);
    private static final MethodHandle MEM_ALLOC = fn("cuMemAlloc_v2", ADDRESS, SIZE_T);
    private static final MethodHandle MEM_FREE = fn("cuMemFree_v2", DEVPTR);
    private static final MethodHandle MEM_HOST_ALLOC = fn("cuMemHostAlloc", ADDRESS, SIZE_T, JAVA_INT);
    private static final MethodHandle MEM_FREE_HOST = fn("cuMemFreeHost", ADDRESS);
    private static final MethodHandle MEM_HOST_REGISTER = fn("cuMemHostRegister_v2", ADDRESS, SIZE_T, JAVA_INT);
    private static final MethodHandle MEM_HOST_UNREGISTER = fn("cuMemHostUnregister", ADDRESS);
    private static final MethodHandle MEMCPY_HTOD_ASYNC = fn("cuMemcpyHtoDAsync_v2", DEVPTR, ADDRESS, SIZE_T, ADDRESS);
    private static final MethodHandle MEMCPY_DTOH_ASYNC = fn("cuMemcpyDtoHAsync_v2", ADDRESS, DEVPTR, SIZE_T, ADDRESS);
    private static final MethodHandle MEMCPY_DTOD_ASYNC = fn("cuMemcpyDtoDAsync_v2", DEVPTR, DEVPTR, SIZE_T, ADDRESS);
    private static final MethodHandle MEMSET_D8_ASYNC = fn("cuMemsetD8Async", DEVPTR, JAVA_BYTE, SIZE_T, ADDRESS);
    private static final MethodHandle MEMSET_D32_ASYNC = fn("cuMemsetD32Async", DEVPTR, JAVA_INT, SIZE_T, ADDRESS);
    private static final MethodHandle MODULE_LOAD_DATA_EX = fn("cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    private static final MethodHandle MODULE_UNLOAD = fn("cuModuleUnload", ADDRESS);
    private static final MethodHandle MODULE_GET_FUNCTION = fn("cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle FUNC_GET_ATTRIBUTE = fn("cuFuncGetAttribute", ADDRESS, JAVA_INT, ADDRESS);
    private static final MethodHandle FUNC_SET_ATTRIBUTE = fn("cuFuncSetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    private static final MethodHandle LAUNCH_KERNEL = fn("cuLaunchKernel", ADDRESS,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    private static final MethodHandle STREAM_CREATE = fn("cuStreamCreate", ADDRESS, JAVA_INT);
    private static final MethodHandle STREAM_DESTROY = fn("cuStreamDestroy_v2", ADDRESS);
    private static final MethodHandle STREAM_SYNCHRONIZE = fn("cuStreamSynchronize", ADDRESS);
    private static final MethodHandle EVENT_CREATE = fn("cuEventCreate", ADDRESS, JAVA_INT);
    private static final MethodHandle EVENT_RECORD = fn("cuEventRecord", ADDRESS, ADDRESS);
    private static final MethodHandle EVENT_SYNCHRONIZE = fn("cuEventSynchronize", ADDRESS);
    private static final MethodHandle EVENT_DESTROY = fn("cuEventDestroy_v2", ADDRESS);
    // CUDA 12.8+ drivers export cuEventElapsedTime_v2; older ones only the original (same signature).
    private static final MethodHandle EVENT_ELAPSED_TIME = CudaLibrary
            .optionalFunction("cuEventElapsedTime_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS))
            .orElseGet(() -> fn("cuEventElapsedTime", ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle STREAM_BEGIN_CAPTURE = fn("cuStreamBeginCapture_v2", ADDRESS, JAVA_INT);
    private static final MethodHandle STREAM_END_CAPTURE = fn("cuStreamEndCapture", ADDRESS, ADDRESS);
    private static final MethodHandle GRAPH_INSTANTIATE = fn("cuGraphInstantiateWithFlags", ADDRESS, ADDRESS, JAVA_LONG);
    private static final MethodHandle GRAPH_UPLOAD = fn("cuGraphUpload", ADDRESS, ADDRESS);
    private static final MethodHandle GRAPH_LAUNCH = fn("cuGraphLaunch", ADDRESS, ADDRESS);
    private static final MethodHandle GRAPH_EXEC_DESTROY = fn("cuGraphExecDestroy", ADDRESS);
    private static final MethodHandle GRAPH_DESTROY = fn("cuGraphDestroy", ADDRESS);
    private static final MethodHandle GRAPH_GET_NODES = fn("cuGraphGetNodes", ADDRESS, ADDRESS, ADDRESS);

    private CudaApi() {
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("downcall into " + CudaLibrary.LIBRARY + " failed", t);
    }

    /** cuGetErrorName, or null when the driver does not know the code. */
    static String errorName(int code) {
        return errorText(GET_ERROR_NAME, code);
    }

    /** cuGetErrorString, or null. */
    static String errorString(int code) {
        return errorText(GET_ERROR_STRING, code);
    }

    private static String errorText(MethodHandle handle, int code) {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int rc = (int) handle.invokeExact(code, out);
            MemorySegment text = out.get(ADDRESS, 0);
            return rc == 0 && !text.equals(MemorySegment.NULL) ? text.reinterpret(4096).getString(0) : null;
        } catch (Throwable t) {
            return null;
        }
    }

    static int init(int flags) {
        try { return (int) INIT.invokeExact(flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int driverGetVersion(MemorySegment version) {
        try { return (int) DRIVER_GET_VERSION.invokeExact(version); } catch (Throwable t) { throw rethrow(t); }
    }

    static int deviceGetCount(MemorySegment count) {
        try { return (int) DEVICE_GET_COUNT.invokeExact(count); } catch (Throwable t) { throw rethrow(t); }
    }

    static int deviceGet(MemorySegment device, int ordinal) {
        try { return (int) DEVICE_GET.invokeExact(device, ordinal); } catch (Throwable t) { throw rethrow(t); }
    }

    static int deviceGetName(MemorySegment name, int length, int device) {
        try { return (int) DEVICE_GET_NAME.invokeExact(name, length, device); } catch (Throwable t) { throw rethrow(t); }
    }

    static int deviceTotalMem(MemorySegment bytes, int device) {
        try { return (int) DEVICE_TOTAL_MEM.invokeExact(bytes, device); } catch (Throwable t) { throw rethrow(t); }
    }

    static int deviceGetAttribute(MemorySegment value, int attribute, int device) {
        try { return (int) DEVICE_GET_ATTRIBUTE.invokeExact(value, attribute, device); } catch (Throwable t) { throw rethrow(t); }
    }

    static int primaryCtxRetain(MemorySegment context, int device) {
        try { return (int) PRIMARY_CTX_RETAIN.invokeExact(context, device); } catch (Throwable t) { throw rethrow(t); }
    }

    static int primaryCtxRelease(int device) {
        try { return (int) PRIMARY_CTX_RELEASE.invokeExact(device); } catch (Throwable t) { throw rethrow(t); }
    }

    static int ctxSetCurrent(MemorySegment context) {
        try { return (int) CTX_SET_CURRENT.invokeExact(context); } catch (Throwable t) { throw rethrow(t); }
    }

    static int ctxSynchronize() {
        try { return (int) CTX_SYNCHRONIZE.invokeExact(); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memGetInfo(MemorySegment free, MemorySegment total) {
        try { return (int) MEM_GET_INFO.invokeExact(free, total); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memAlloc(MemorySegment devicePointer, long bytes) {
        try { return (int) MEM_ALLOC.invokeExact(devicePointer, bytes); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memFree(long devicePointer) {
        try { return (int) MEM_FREE.invokeExact(devicePointer); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memHostAlloc(MemorySegment hostPointer, long bytes, int flags) {
        try { return (int) MEM_HOST_ALLOC.invokeExact(hostPointer, bytes, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memFreeHost(MemorySegment hostPointer) {
        try { return (int) MEM_FREE_HOST.invokeExact(hostPointer); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memHostRegister(MemorySegment host, long bytes, int flags) {
        try { return (int) MEM_HOST_REGISTER.invokeExact(host, bytes, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memHostUnregister(MemorySegment host) {
        try { return (int) MEM_HOST_UNREGISTER.invokeExact(host); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memcpyHtoDAsync(long dst, MemorySegment src, long bytes, MemorySegment stream) {
        try { return (int) MEMCPY_HTOD_ASYNC.invokeExact(dst, src, bytes, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memcpyDtoHAsync(MemorySegment dst, long src, long bytes, MemorySegment stream) {
        try { return (int) MEMCPY_DTOH_ASYNC.invokeExact(dst, src, bytes, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memcpyDtoDAsync(long dst, long src, long bytes, MemorySegment stream) {
        try { return (int) MEMCPY_DTOD_ASYNC.invokeExact(dst, src, bytes, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memsetD8Async(long dst, byte value, long count, MemorySegment stream) {
        try { return (int) MEMSET_D8_ASYNC.invokeExact(dst, value, count, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int memsetD32Async(long dst, int value, long count, MemorySegment stream) {
        try { return (int) MEMSET_D32_ASYNC.invokeExact(dst, value, count, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int moduleLoadDataEx(MemorySegment module, MemorySegment image, int numOptions,
                                MemorySegment options, MemorySegment optionValues) {
        try {
            return (int) MODULE_LOAD_DATA_EX.invokeExact(module, image, numOptions, options, optionValues);
        } catch (Throwable t) { throw rethrow(t); }
    }

    static int moduleUnload(MemorySegment module) {
        try { return (int) MODULE_UNLOAD.invokeExact(module); } catch (Throwable t) { throw rethrow(t); }
    }

    static int moduleGetFunction(MemorySegment function, MemorySegment module, MemorySegment name) {
        try { return (int) MODULE_GET_FUNCTION.invokeExact(function, module, name); } catch (Throwable t) { throw rethrow(t); }
    }

    static int funcGetAttribute(MemorySegment value, int attribute, MemorySegment function) {
        try { return (int) FUNC_GET_ATTRIBUTE.invokeExact(value, attribute, function); } catch (Throwable t) { throw rethrow(t); }
    }

    static int funcSetAttribute(MemorySegment function, int attribute, int value) {
        try { return (int) FUNC_SET_ATTRIBUTE.invokeExact(function, attribute, value); } catch (Throwable t) { throw rethrow(t); }
    }

    static int launchKernel(MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
                            int blockZ, int sharedBytes, MemorySegment stream, MemorySegment params,
                            MemorySegment extra) {
        try {
            return (int) LAUNCH_KERNEL.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                    sharedBytes, stream, params, extra);
        } catch (Throwable t) { throw rethrow(t); }
    }

    static int streamCreate(MemorySegment stream, int flags) {
        try { return (int) STREAM_CREATE.invokeExact(stream, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int streamDestroy(MemorySegment stream) {
        try { return (int) STREAM_DESTROY.invokeExact(stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int streamSynchronize(MemorySegment stream) {
        try { return (int) STREAM_SYNCHRONIZE.invokeExact(stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventCreate(MemorySegment event, int flags) {
        try { return (int) EVENT_CREATE.invokeExact(event, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventRecord(MemorySegment event, MemorySegment stream) {
        try { return (int) EVENT_RECORD.invokeExact(event, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventSynchronize(MemorySegment event) {
        try { return (int) EVENT_SYNCHRONIZE.invokeExact(event); } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventDestroy(MemorySegment event) {
        try { return (int) EVENT_DESTROY.invokeExact(event); } catch (Throwable t) { throw rethrow(t); }
    }

    static int eventElapsedTime(MemorySegment millis, MemorySegment start, MemorySegment end) {
        try { return (int) EVENT_ELAPSED_TIME.invokeExact(millis, start, end); } catch (Throwable t) { throw rethrow(t); }
    }

    static int streamBeginCapture(MemorySegment stream, int mode) {
        try { return (int) STREAM_BEGIN_CAPTURE.invokeExact(stream, mode); } catch (Throwable t) { throw rethrow(t); }
    }

    static int streamEndCapture(MemorySegment stream, MemorySegment graph) {
        try { return (int) STREAM_END_CAPTURE.invokeExact(stream, graph); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphInstantiate(MemorySegment exec, MemorySegment graph, long flags) {
        try { return (int) GRAPH_INSTANTIATE.invokeExact(exec, graph, flags); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphUpload(MemorySegment exec, MemorySegment stream) {
        try { return (int) GRAPH_UPLOAD.invokeExact(exec, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphLaunch(MemorySegment exec, MemorySegment stream) {
        try { return (int) GRAPH_LAUNCH.invokeExact(exec, stream); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphExecDestroy(MemorySegment exec) {
        try { return (int) GRAPH_EXEC_DESTROY.invokeExact(exec); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphDestroy(MemorySegment graph) {
        try { return (int) GRAPH_DESTROY.invokeExact(graph); } catch (Throwable t) { throw rethrow(t); }
    }

    static int graphGetNodes(MemorySegment graph, MemorySegment nodes, MemorySegment count) {
        try { return (int) GRAPH_GET_NODES.invokeExact(graph, nodes, count); } catch (Throwable t) { throw rethrow(t); }
    }
}
