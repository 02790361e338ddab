package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter.EmittedKernel;
import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.HashMap;
import java.util.Map;

/**
 * Test-only OpenCL runner through FFM (the runtime's OpenCL backend is a separate package): builds emitted
 * kernels on the first OpenCL device (PoCL in CI) and runs them on copies of the arguments.
 */
final class ClHarness implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final ValueLayout.OfLong SIZE_T = ValueLayout.JAVA_LONG;
    private static final java.lang.foreign.AddressLayout ADDR = ValueLayout.ADDRESS;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final SymbolLookup lib;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment device;
    private final MemorySegment context;
    private final MemorySegment queue;
    private final Map<String, MemorySegment> programs = new HashMap<>();
    final String deviceName;

    private ClHarness(SymbolLookup lib) {
        this.lib = lib;
        MemorySegment ids = arena.allocate(ADDR, 8);
        MemorySegment n = arena.allocate(INT);
        check((int) call("clGetPlatformIDs", FunctionDescriptor.of(INT, INT, ADDR, ADDR), 8, ids, n), "clGetPlatformIDs");
        if (n.get(INT, 0) == 0) {
            throw new IllegalStateException("no OpenCL platform");
        }
        MemorySegment platform = ids.getAtIndex(ADDR, 0);
        MemorySegment devs = arena.allocate(ADDR, 8);
        check((int) call("clGetDeviceIDs", FunctionDescriptor.of(INT, ADDR, ValueLayout.JAVA_LONG, INT, ADDR, ADDR),
                platform, 0xFFFFFFFFL, 8, devs, n), "clGetDeviceIDs");
        device = devs.getAtIndex(ADDR, 0);
        MemorySegment name = arena.allocate(256);
        call("clGetDeviceInfo", FunctionDescriptor.of(INT, ADDR, INT, SIZE_T, ADDR, ADDR), device, 0x102B, 256L, name,
                MemorySegment.NULL);
        deviceName = name.getString(0);
        MemorySegment err = arena.allocate(INT);
        MemorySegment devList = arena.allocate(ADDR);
        devList.set(ADDR, 0, device);
        context = (MemorySegment) call("clCreateContext", FunctionDescriptor.of(ADDR, ADDR, INT, ADDR, ADDR, ADDR, ADDR),
                MemorySegment.NULL, 1, devList, MemorySegment.NULL, MemorySegment.NULL, err);
        check(err.get(INT, 0), "clCreateContext");
        queue = (MemorySegment) call("clCreateCommandQueue", FunctionDescriptor.of(ADDR, ADDR, ADDR, ValueLayout.JAVA_LONG, ADDR),
                context, device, 0L, err);
        check(err.get(INT, 0), "clCreateCommandQueue");
    }

    /** The harness, or null when no OpenCL library/platform is present. */
    static ClHarness openOrNull() {
        try {
            return new ClHarness(SymbolLookup.libraryLookup("libOpenCL.so.1", Arena.global()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.out.println("OpenCL unavailable: " + e.getMessage());
            return null;
        }
    }

    private Object call(String fn, FunctionDescriptor fd, Object... args) {
        MethodHandle h = LINKER.downcallHandle(lib.find(fn).orElseThrow(), fd);
        try {
            return h.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new IllegalStateException(fn, t);
        }
    }

    private static void check(int code, String what) {
        if (code != 0) {
            throw new IllegalStateException(what + " failed: CL error " + code);
        }
    }

    /** Builds {@code source}; throws with the build log on failure. */
    MemorySegment build(String source) {
        MemorySegment p = programs.get(source);
        if (p != null) {
            return p;
        }
        MemorySegment err = arena.allocate(INT);
        MemorySegment strs = arena.allocate(ADDR);
        strs.set(ADDR, 0, arena.allocateFrom(source));
        p = (MemorySegment) call("clCreateProgramWithSource", FunctionDescriptor.of(ADDR, ADDR, INT, ADDR, ADDR, ADDR),
                context, 1, strs, MemorySegment.NULL, err);
        check(err.get(INT, 0), "clCreateProgramWithSource");
        MemorySegment devList = arena.allocate(ADDR);
        devList.set(ADDR, 0, device);
        int rc = (int) call("clBuildProgram", FunctionDescriptor.of(INT, ADDR, INT, ADDR, ADDR, ADDR, ADDR),
                p, 1, devList, arena.allocateFrom(""), MemorySegment.NULL, MemorySegment.NULL);
        if (rc != 0) {
            MemorySegment size = arena.allocate(SIZE_T);
            call("clGetProgramBuildInfo", FunctionDescriptor.of(INT, ADDR, ADDR, INT, SIZE_T, ADDR, ADDR),
                    p, device, 0x1183, 0L, MemorySegment.NULL, size);
            MemorySegment log = arena.allocate(size.get(SIZE_T, 0) + 1);
            call("clGetProgramBuildInfo", FunctionDescriptor.of(INT, ADDR, ADDR, INT, SIZE_T, ADDR, ADDR),
                    p, device, 0x1183, log.byteSize(), log, MemorySegment.NULL);
            throw new AssertionError("clBuildProgram failed (" + rc + "):\n" + log.getString(0) + "\n--- source ---\n"
                    + numbered(source));
        }
        programs.put(source, p);
        return p;
    }

    static String numbered(String src) {
        StringBuilder sb = new StringBuilder();
        String[] lines = src.split("\n");
        for (int i = 0; i < lines.length; i++) {
            sb.append(String.format("%4d| %s%n", i + 1, lines[i]));
        }
        return sb.toString();
    }

    /**
     * Runs the kernel on {@code args} (arrays are copied to the device and written ones copied back into the
     * same Java objects). {@code local} may be null.
     */
    void run(KernelIR ir, EmittedKernel k, Object[] args, long[] global, long[] local) {
        MemorySegment program = build(k.source());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment err = a.allocate(INT);
            MemorySegment kernel = (MemorySegment) call("clCreateKernel", FunctionDescriptor.of(ADDR, ADDR, ADDR, ADDR),
                    program, a.allocateFrom(k.entryName()), err);
            check(err.get(INT, 0), "clCreateKernel " + k.entryName());
            Map<Integer, MemorySegment> buffers = new HashMap<>();
            int argIndex = 0;
            for (DeviceArg d : ir.deviceArgs()) {
                Object v = args[d.paramIndex()];
                MemorySegment value;
                switch (d.kind()) {
                    case ARRAY -> {
                        NativeArray arr = (NativeArray) v;
                        long bytes = Math.max(arr.getNumBytes(), 4);
                        MemorySegment buf = (MemorySegment) call("clCreateBuffer",
                                FunctionDescriptor.of(ADDR, ADDR, ValueLayout.JAVA_LONG, SIZE_T, ADDR, ADDR),
                                context, 1L | (arr.getNumBytes() > 0 ? 1L << 5 : 0), bytes,
                                arr.getNumBytes() > 0 ? arr.segment() : MemorySegment.NULL, err);
                        check(err.get(INT, 0), "clCreateBuffer");
                        buffers.put(d.paramIndex(), buf);
                        value = a.allocate(ADDR);
                        value.set(ADDR, 0, buf);
                    }
                    case ARRAY_SIZE -> {
                        value = a.allocate(INT);
                        value.set(INT, 0, ((NativeArray) v).getSize());
                    }
                    default -> value = scalar(a, d, v);
                }
                check((int) call("clSetKernelArg", FunctionDescriptor.of(INT, ADDR, INT, SIZE_T, ADDR),
                        kernel, argIndex++, value.byteSize(), value), "clSetKernelArg " + d);
            }
            MemorySegment g = a.allocate(SIZE_T, global.length);
            MemorySegment l = local == null ? MemorySegment.NULL : a.allocate(SIZE_T, local.length);
            for (int i = 0; i < global.length; i++) {
                g.setAtIndex(SIZE_T, i, global[i]);
                if (local != null) {
                    l.setAtIndex(SIZE_T, i, local[i]);
                }
            }
            check((int) call("clEnqueueNDRangeKernel",
                    FunctionDescriptor.of(INT, ADDR, ADDR, INT, ADDR, ADDR, ADDR, INT, ADDR, ADDR),
                    queue, kernel, global.length, MemorySegment.NULL, g, l, 0, MemorySegment.NULL, MemorySegment.NULL),
                    "clEnqueueNDRangeKernel");
            for (var e : buffers.entrySet()) {
                NativeArray arr = (NativeArray) args[e.getKey()];
                if (arr.getNumBytes() > 0) {
                    check((int) call("clEnqueueReadBuffer",
                            FunctionDescriptor.of(INT, ADDR, ADDR, INT, SIZE_T, SIZE_T, ADDR, INT, ADDR, ADDR),
                            queue, e.getValue(), 1, 0L, arr.getNumBytes(), arr.segment(), 0, MemorySegment.NULL,
                            MemorySegment.NULL), "clEnqueueReadBuffer");
                }
                call("clReleaseMemObject", FunctionDescriptor.of(INT, ADDR), e.getValue());
            }
            check((int) call("clFinish", FunctionDescriptor.of(INT, ADDR), queue), "clFinish");
            call("clReleaseKernel", FunctionDescriptor.of(INT, ADDR), kernel);
        }
    }

    private static MemorySegment scalar(Arena a, DeviceArg d, Object v) {
        return switch (d.reg().type()) {
            case I32 -> {
                int x = v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Character c ? c : ((Number) v).intValue();
                MemorySegment s = a.allocate(INT);
                s.set(INT, 0, x);
                yield s;
            }
            case I64 -> a.allocateFrom(ValueLayout.JAVA_LONG, ((Number) v).longValue());
            case F32 -> a.allocateFrom(ValueLayout.JAVA_FLOAT, ((Number) v).floatValue());
            case F64 -> a.allocateFrom(ValueLayout.JAVA_DOUBLE, ((Number) v).doubleValue());
            default -> throw new IllegalArgumentException(d.toString());
        };
    }

    @Override
    public void close() {
        for (MemorySegment p : programs.values()) {
            call("clReleaseProgram", FunctionDescriptor.of(INT, ADDR), p);
        }
        call("clReleaseCommandQueue", FunctionDescriptor.of(INT, ADDR), queue);
        call("clReleaseContext", FunctionDescriptor.of(INT, ADDR), context);
        arena.close();
    }
}
