package ai.kimitornado.tasks.backend.opencl;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The OpenCL API through FFM: one method handle per entry point of {@code libOpenCL.so.1} (the ICD
 * loader) and small wrappers that check the status and turn failures into {@link ClException}s.
 * Handles are opaque {@link MemorySegment} addresses. Every wrapper takes a {@code site} (the device
 * and object it works on) that only goes into error messages. Temporaries live in confined arenas
 * that close before the wrapper returns.
 */
public final class ClBinding {

    // ---- constants (values from the Khronos headers, CL/cl.h) ----
    public static final int CL_SUCCESS = 0;
    public static final long CL_DEVICE_TYPE_ALL = 0xFFFFFFFFL;
    public static final int CL_PLATFORM_VERSION = 0x0901, CL_PLATFORM_NAME = 0x0902, CL_PLATFORM_VENDOR = 0x0903;
    public static final int CL_DEVICE_TYPE = 0x1000, CL_DEVICE_MAX_COMPUTE_UNITS = 0x1002,
            CL_DEVICE_MAX_WORK_ITEM_DIMENSIONS = 0x1003, CL_DEVICE_MAX_WORK_GROUP_SIZE = 0x1004,
            CL_DEVICE_MAX_WORK_ITEM_SIZES = 0x1005, CL_DEVICE_MAX_CLOCK_FREQUENCY = 0x100C,
            CL_DEVICE_MAX_MEM_ALLOC_SIZE = 0x1010, CL_DEVICE_GLOBAL_MEM_SIZE = 0x101F,
            CL_DEVICE_LOCAL_MEM_SIZE = 0x1023, CL_DEVICE_NAME = 0x102B, CL_DEVICE_VENDOR = 0x102C,
            CL_DRIVER_VERSION = 0x102D, CL_DEVICE_VERSION = 0x102F, CL_DEVICE_EXTENSIONS = 0x1030,
            CL_DEVICE_DOUBLE_FP_CONFIG = 0x1032, CL_DEVICE_HALF_FP_CONFIG = 0x1033,
            CL_DEVICE_OPENCL_C_VERSION = 0x103D, CL_DEVICE_IL_VERSION = 0x105B,
            CL_DEVICE_MAX_NUM_SUB_GROUPS = 0x105C, CL_DEVICE_SINGLE_FP_CONFIG = 0x101B;
    /** CL_DEVICE_SINGLE_FP_CONFIG bit: the device can divide and sqrt fp32 correctly rounded, as Java does. */
    public static final long CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT = 1L << 7;
    public static final long CL_DEVICE_TYPE_CPU = 1L << 1, CL_DEVICE_TYPE_GPU = 1L << 2,
            CL_DEVICE_TYPE_ACCELERATOR = 1L << 3;
    public static final long CL_QUEUE_PROPERTIES = 0x1093, CL_QUEUE_PROFILING_ENABLE = 1L << 1;
    public static final long CL_MEM_READ_WRITE = 1L;
    public static final int CL_PROGRAM_BUILD_LOG = 0x1183;
    public static final int CL_PROGRAM_BINARY_SIZES = 0x1165, CL_PROGRAM_BINARIES = 0x1166;
    public static final int CL_KERNEL_WORK_GROUP_SIZE = 0x11B0;
    public static final int CL_PROFILING_COMMAND_START = 0x1282, CL_PROFILING_COMMAND_END = 0x1283;
    public static final int CL_TRUE = 1, CL_FALSE = 0;

    private static final String LIBRARY = "libOpenCL.so.1";

    private final MethodHandle getPlatformIDs, getPlatformInfo, getDeviceIDs, getDeviceInfo,
            createContext, releaseContext, createQueueWithProperties, createQueue, releaseQueue,
            createBuffer, releaseMemObject, createProgramWithSource, createProgramWithBinary,
            createProgramWithIL, buildProgram, getProgramBuildInfo, getProgramInfo, releaseProgram,
            createKernel, releaseKernel, setKernelArg, getKernelWorkGroupInfo, enqueueNDRangeKernel,
            enqueueReadBuffer, enqueueWriteBuffer, finish, flush, waitForEvents,
            getEventProfilingInfo, releaseEvent;

    private static volatile Object loaded; // ClBinding, or the String reason it could not load

    /** The binding, or a {@link ClUnavailableException} saying in one line why OpenCL is absent. */
    public static ClBinding get() {
        Object l = loaded;
        if (l == null) {
            synchronized (ClBinding.class) {
                l = loaded;
                if (l == null) {
                    l = tryLoad();
                    loaded = l;
                }
            }
        }
        if (l instanceof ClBinding b) return b;
        throw new ClUnavailableException((String) l);
    }

    private static Object tryLoad() {
        SymbolLookup lib;
        try {
            lib = SymbolLookup.libraryLookup(LIBRARY, Arena.global());
        } catch (IllegalArgumentException e) {
            return LIBRARY + " not found (no OpenCL ICD loader installed)";
        } catch (IllegalCallerException e) {
            return "native access is disabled; run with --enable-native-access=ALL-UNNAMED";
        }
        try {
            return new ClBinding(lib);
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }

    private ClBinding(SymbolLookup lib) {
        Linker linker = Linker.nativeLinker();
        Binder b = new Binder(linker, lib);
        getPlatformIDs = b.req("clGetPlatformIDs", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
        getPlatformInfo = b.req("clGetPlatformInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        getDeviceIDs = b.req("clGetDeviceIDs", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS);
        getDeviceInfo = b.req("clGetDeviceInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        createContext = b.req("clCreateContext", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        releaseContext = b.req("clReleaseContext", JAVA_INT, ADDRESS);
        createQueueWithProperties = b.opt("clCreateCommandQueueWithProperties", ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        createQueue = b.opt("clCreateCommandQueue", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        releaseQueue = b.req("clReleaseCommandQueue", JAVA_INT, ADDRESS);
        createBuffer = b.req("clCreateBuffer", ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS);
        releaseMemObject = b.req("clReleaseMemObject", JAVA_INT, ADDRESS);
        createProgramWithSource = b.req("clCreateProgramWithSource", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        createProgramWithBinary = b.req("clCreateProgramWithBinary", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        createProgramWithIL = b.opt("clCreateProgramWithIL", ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS);
        buildProgram = b.req("clBuildProgram", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        getProgramBuildInfo = b.req("clGetProgramBuildInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        getProgramInfo = b.req("clGetProgramInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        releaseProgram = b.req("clReleaseProgram", JAVA_INT, ADDRESS);
        createKernel = b.req("clCreateKernel", ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        releaseKernel = b.req("clReleaseKernel", JAVA_INT, ADDRESS);
        setKernelArg = b.req("clSetKernelArg", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS);
        getKernelWorkGroupInfo = b.req("clGetKernelWorkGroupInfo", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        enqueueNDRangeKernel = b.req("clEnqueueNDRangeKernel", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueReadBuffer = b.req("clEnqueueReadBuffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        enqueueWriteBuffer = b.req("clEnqueueWriteBuffer", JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        finish = b.req("clFinish", JAVA_INT, ADDRESS);
        flush = b.req("clFlush", JAVA_INT, ADDRESS);
        waitForEvents = b.req("clWaitForEvents", JAVA_INT, JAVA_INT, ADDRESS);
        getEventProfilingInfo = b.req("clGetEventProfilingInfo", JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS);
        releaseEvent = b.req("clReleaseEvent", JAVA_INT, ADDRESS);
    }

    /** Looks up symbols; a missing required one makes the whole binding unavailable. */
    private record Binder(Linker linker, SymbolLookup lib) {
        MethodHandle req(String name, MemoryLayout ret, MemoryLayout... args) {
            MethodHandle h = opt(name, ret, args);
            if (h == null) throw new IllegalStateException(LIBRARY + " lacks " + name);
            return h;
        }

        MethodHandle opt(String name, MemoryLayout ret, MemoryLayout... args) {
            return lib.find(name).map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ret, args))).orElse(null);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    static void check(int code, String call, String site) {
        if (code != CL_SUCCESS) throw new ClException(code, call, site);
    }

    // ---- platforms and devices ----

    public MemorySegment[] platforms() {
        // loading the ICDs may install driver signal handlers over the JVM's (see NativeSignals)
        return ai.kimitornado.tasks.runtime.NativeSignals.preserving("clGetPlatformIDs", this::platformsUnguarded);
    }

    private MemorySegment[] platformsUnguarded() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = (int) getPlatformIDs.invokeExact(0, MemorySegment.NULL, n);
            if (rc == -1001) return new MemorySegment[0]; // CL_PLATFORM_NOT_FOUND_KHR: loader without ICDs
            check(rc, "clGetPlatformIDs", "the ICD loader");
            int count = n.get(JAVA_INT, 0);
            if (count == 0) return new MemorySegment[0];
            MemorySegment ids = a.allocate(ADDRESS, count);
            check((int) getPlatformIDs.invokeExact(count, ids, MemorySegment.NULL), "clGetPlatformIDs", "the ICD loader");
            return readAddresses(ids, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String platformString(MemorySegment platform, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check((int) getPlatformInfo.invokeExact(platform, param, 0L, MemorySegment.NULL, size), "clGetPlatformInfo", "platform");
            MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
            check((int) getPlatformInfo.invokeExact(platform, param, buf.byteSize(), buf, MemorySegment.NULL), "clGetPlatformInfo", "platform");
            return buf.getString(0, StandardCharsets.UTF_8).trim();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment[] devices(MemorySegment platform) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(JAVA_INT);
            int rc = (int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, 0, MemorySegment.NULL, n);
            if (rc == -1) return new MemorySegment[0]; // CL_DEVICE_NOT_FOUND
            check(rc, "clGetDeviceIDs", "platform");
            int count = n.get(JAVA_INT, 0);
            MemorySegment ids = a.allocate(ADDRESS, count);
            check((int) getDeviceIDs.invokeExact(platform, CL_DEVICE_TYPE_ALL, count, ids, MemorySegment.NULL), "clGetDeviceIDs", "platform");
            return readAddresses(ids, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Raw bytes of a device info query; empty when the device does not know the parameter. */
    public byte[] deviceInfoBytes(MemorySegment device, int param) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int rc = (int) getDeviceInfo.invokeExact(device, param, 0L, MemorySegment.NULL, size);
            if (rc == -30) return new byte[0]; // CL_INVALID_VALUE: parameter newer than the driver
            check(rc, "clGetDeviceInfo(0x" + Integer.toHexString(param) + ")", "device");
            long n = size.get(JAVA_LONG, 0);
            if (n == 0) return new byte[0];
            MemorySegment buf = a.allocate(n);
            check((int) getDeviceInfo.invokeExact(device, param, n, buf, MemorySegment.NULL), "clGetDeviceInfo(0x" + Integer.toHexString(param) + ")", "device");
            return buf.toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String deviceString(MemorySegment device, int param) {
        byte[] b = deviceInfoBytes(device, param);
        int len = 0;
        while (len < b.length && b[len] != 0) len++;
        return new String(b, 0, len, StandardCharsets.UTF_8).trim();
    }

    /** A cl_uint, cl_ulong or size_t query, widened to long (0 when unknown). */
    public long deviceLong(MemorySegment device, int param) {
        byte[] b = deviceInfoBytes(device, param);
        MemorySegment s = MemorySegment.ofArray(b);
        return switch (b.length) {
            case 4 -> Integer.toUnsignedLong(s.get(ValueLayout.JAVA_INT_UNALIGNED, 0));
            case 8 -> s.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
            default -> 0L;
        };
    }

    /** A size_t[] query, e.g. CL_DEVICE_MAX_WORK_ITEM_SIZES. */
    public long[] deviceSizes(MemorySegment device, int param) {
        byte[] b = deviceInfoBytes(device, param);
        long[] out = new long[b.length / 8];
        MemorySegment s = MemorySegment.ofArray(b);
        for (int i = 0; i < out.length; i++) out[i] = s.get(ValueLayout.JAVA_LONG_UNALIGNED, i * 8L);
        return out;
    }

    // ---- context and queue ----

    public MemorySegment createContext(MemorySegment device, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment ctx = ai.kimitornado.tasks.runtime.NativeSignals.preserving("clCreateContext", () -> {
                try {
                    return (MemorySegment) createContext.invokeExact(MemorySegment.NULL, 1, devs,
                            MemorySegment.NULL, MemorySegment.NULL, err);
                } catch (Throwable t) {
                    throw rethrow(t);
                }
            });
            check(err.get(JAVA_INT, 0), "clCreateContext", site);
            return ctx;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseContext(MemorySegment ctx) {
        try {
            int rc = (int) releaseContext.invokeExact(ctx);
            check(rc, "clReleaseContext", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public boolean hasQueueWithProperties() {
        return createQueueWithProperties != null;
    }

    /** An in-order queue with profiling, through the OpenCL 2.0 entry point. */
    public MemorySegment createQueueWithProfiling(MemorySegment ctx, MemorySegment device, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment props = a.allocate(JAVA_LONG, 3);
            props.setAtIndex(JAVA_LONG, 0, CL_QUEUE_PROPERTIES);
            props.setAtIndex(JAVA_LONG, 1, CL_QUEUE_PROFILING_ENABLE);
            props.setAtIndex(JAVA_LONG, 2, 0L);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment q = (MemorySegment) createQueueWithProperties.invokeExact(ctx, device, props, err);
            check(err.get(JAVA_INT, 0), "clCreateCommandQueueWithProperties", site);
            return q;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The OpenCL 1.x entry point, for devices that predate clCreateCommandQueueWithProperties. */
    public MemorySegment createQueueLegacy(MemorySegment ctx, MemorySegment device, String site) {
        if (createQueue == null) throw new ClException(-59, "clCreateCommandQueue (symbol missing)", site);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment q = (MemorySegment) createQueue.invokeExact(ctx, device, CL_QUEUE_PROFILING_ENABLE, err);
            check(err.get(JAVA_INT, 0), "clCreateCommandQueue", site);
            return q;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseQueue(MemorySegment q) {
        try {
            check((int) releaseQueue.invokeExact(q), "clReleaseCommandQueue", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void finish(MemorySegment q, String site) {
        try {
            check((int) finish.invokeExact(q), "clFinish", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void flush(MemorySegment q, String site) {
        try {
            check((int) flush.invokeExact(q), "clFlush", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- buffers ----

    /** Returns the cl_mem, or throws with the status (the caller adds memory accounting). */
    public MemorySegment createBuffer(MemorySegment ctx, long bytes, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment mem = (MemorySegment) createBuffer.invokeExact(ctx, CL_MEM_READ_WRITE, bytes, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateBuffer(" + bytes + " bytes)", site);
            return mem;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseMem(MemorySegment mem) {
        try {
            check((int) releaseMemObject.invokeExact(mem), "clReleaseMemObject", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking host → device copy of {@code src.byteSize()} bytes; {@code event} may be NULL. */
    public void write(MemorySegment q, MemorySegment mem, long offset, MemorySegment src, MemorySegment event, String site) {
        try {
            check((int) enqueueWriteBuffer.invokeExact(q, mem, CL_TRUE, offset, src.byteSize(), src, 0, MemorySegment.NULL, event),
                    "clEnqueueWriteBuffer(" + src.byteSize() + " bytes)", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocking device → host copy of {@code dst.byteSize()} bytes; {@code event} may be NULL. */
    public void read(MemorySegment q, MemorySegment mem, long offset, MemorySegment dst, MemorySegment event, String site) {
        try {
            check((int) enqueueReadBuffer.invokeExact(q, mem, CL_TRUE, offset, dst.byteSize(), dst, 0, MemorySegment.NULL, event),
                    "clEnqueueReadBuffer(" + dst.byteSize() + " bytes)", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- programs and kernels ----

    public MemorySegment createProgramWithSource(MemorySegment ctx, String source, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment str = a.allocateFrom(source, StandardCharsets.UTF_8);
            MemorySegment strs = a.allocate(ADDRESS);
            strs.set(ADDRESS, 0, str);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment p = (MemorySegment) createProgramWithSource.invokeExact(ctx, 1, strs, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithSource", site);
            return p;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment createProgramWithBinary(MemorySegment ctx, MemorySegment device, byte[] binary, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            MemorySegment bin = a.allocateFrom(ValueLayout.JAVA_BYTE, binary);
            MemorySegment bins = a.allocate(ADDRESS);
            bins.set(ADDRESS, 0, bin);
            MemorySegment lens = a.allocate(JAVA_LONG);
            lens.set(JAVA_LONG, 0, binary.length);
            MemorySegment status = a.allocate(JAVA_INT);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment p = (MemorySegment) createProgramWithBinary.invokeExact(ctx, 1, devs, lens, bins, status, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithBinary", site);
            check(status.get(JAVA_INT, 0), "clCreateProgramWithBinary (binary status)", site);
            return p;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public boolean hasProgramWithIL() {
        return createProgramWithIL != null;
    }

    /** SPIR-V (or another IL the device lists in CL_DEVICE_IL_VERSION) → program. */
    public MemorySegment createProgramWithIL(MemorySegment ctx, byte[] il, String site) {
        if (createProgramWithIL == null) throw new ClException(-59, "clCreateProgramWithIL (the ICD loader lacks it)", site);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment bytes = a.allocateFrom(ValueLayout.JAVA_BYTE, il);
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment p = (MemorySegment) createProgramWithIL.invokeExact(ctx, bytes, (long) il.length, err);
            check(err.get(JAVA_INT, 0), "clCreateProgramWithIL", site);
            return p;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Builds for one device; returns the status code so that the caller can attach the build log. */
    public int buildProgram(MemorySegment program, MemorySegment device, String options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment devs = a.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            MemorySegment opts = a.allocateFrom(options == null ? "" : options, StandardCharsets.UTF_8);
            // driver compilers (LLVM inside PoCL and NVIDIA's) may install crash handlers over the JVM's
            return ai.kimitornado.tasks.runtime.NativeSignals.preserving("clBuildProgram", () -> {
                try {
                    return (int) buildProgram.invokeExact(program, 1, devs, opts, MemorySegment.NULL, MemorySegment.NULL);
                } catch (Throwable t) {
                    throw rethrow(t);
                }
            });
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public String buildLog(MemorySegment program, MemorySegment device) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            int rc = (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, 0L, MemorySegment.NULL, size);
            if (rc != CL_SUCCESS) return "(no build log: " + ClErrors.name(rc) + ")";
            long n = size.get(JAVA_LONG, 0);
            if (n <= 1) return "";
            MemorySegment buf = a.allocate(n);
            rc = (int) getProgramBuildInfo.invokeExact(program, device, CL_PROGRAM_BUILD_LOG, n, buf, MemorySegment.NULL);
            if (rc != CL_SUCCESS) return "(no build log: " + ClErrors.name(rc) + ")";
            return buf.getString(0, StandardCharsets.UTF_8);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The device binary of a program built for exactly one device (for the on-disk kernel cache). */
    public byte[] programBinary(MemorySegment program, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment size = a.allocate(JAVA_LONG);
            check((int) getProgramInfo.invokeExact(program, CL_PROGRAM_BINARY_SIZES, 8L, size, MemorySegment.NULL), "clGetProgramInfo(BINARY_SIZES)", site);
            long n = size.get(JAVA_LONG, 0);
            if (n == 0) return new byte[0];
            MemorySegment bin = a.allocate(n);
            MemorySegment ptrs = a.allocate(ADDRESS);
            ptrs.set(ADDRESS, 0, bin);
            check((int) getProgramInfo.invokeExact(program, CL_PROGRAM_BINARIES, ADDRESS.byteSize(), ptrs, MemorySegment.NULL), "clGetProgramInfo(BINARIES)", site);
            return bin.toArray(ValueLayout.JAVA_BYTE);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseProgram(MemorySegment p) {
        try {
            check((int) releaseProgram.invokeExact(p), "clReleaseProgram", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public MemorySegment createKernel(MemorySegment program, String name, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(JAVA_INT);
            MemorySegment k = (MemorySegment) createKernel.invokeExact(program, a.allocateFrom(name, StandardCharsets.UTF_8), err);
            check(err.get(JAVA_INT, 0), "clCreateKernel(" + name + ")", site);
            return k;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseKernel(MemorySegment k) {
        try {
            check((int) releaseKernel.invokeExact(k), "clReleaseKernel", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public long kernelWorkGroupSize(MemorySegment kernel, MemorySegment device, String site) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_LONG);
            check((int) getKernelWorkGroupInfo.invokeExact(kernel, device, CL_KERNEL_WORK_GROUP_SIZE, 8L, v, MemorySegment.NULL),
                    "clGetKernelWorkGroupInfo(WORK_GROUP_SIZE)", site);
            return v.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code value} holds the argument bytes (a cl_mem handle or a scalar). */
    public void setKernelArg(MemorySegment kernel, int index, MemorySegment value, String site) {
        try {
            int rc = (int) setKernelArg.invokeExact(kernel, index, value.byteSize(), value);
            if (rc != CL_SUCCESS) throw new ClException(rc, "clSetKernelArg(" + index + ", " + value.byteSize() + " bytes)", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Enqueues a launch. {@code global}/{@code local} hold {@code dims} size_t values ({@code local}
     * may be NULL: the driver picks); {@code event} receives a cl_event or is NULL.
     */
    public int enqueueNDRange(MemorySegment q, MemorySegment kernel, int dims, MemorySegment global,
                              MemorySegment local, MemorySegment event) {
        try {
            return (int) enqueueNDRangeKernel.invokeExact(q, kernel, dims, MemorySegment.NULL, global, local, 0, MemorySegment.NULL, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    // ---- events ----

    public void waitForEvent(MemorySegment eventPtr, String site) {
        try {
            check((int) waitForEvents.invokeExact(1, eventPtr), "clWaitForEvents", site);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Start and end of a completed command in device nanoseconds, into {@code out[0..1]}. */
    public void profile(MemorySegment event, MemorySegment scratch8, long[] out, String site) {
        try {
            check((int) getEventProfilingInfo.invokeExact(event, CL_PROFILING_COMMAND_START, 8L, scratch8, MemorySegment.NULL), "clGetEventProfilingInfo(START)", site);
            out[0] = scratch8.get(JAVA_LONG, 0);
            check((int) getEventProfilingInfo.invokeExact(event, CL_PROFILING_COMMAND_END, 8L, scratch8, MemorySegment.NULL), "clGetEventProfilingInfo(END)", site);
            out[1] = scratch8.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public void releaseEvent(MemorySegment e) {
        try {
            check((int) releaseEvent.invokeExact(e), "clReleaseEvent", null);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static MemorySegment[] readAddresses(MemorySegment ids, int count) {
        MemorySegment[] out = new MemorySegment[count];
        for (int i = 0; i < count; i++) out[i] = ids.getAtIndex(ADDRESS, i);
        return out;
    }
}
