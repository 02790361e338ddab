package ai.kimitornado.tasks.backend.spirv;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * Test-only: the dozen OpenCL calls needed to run a SPIR bitcode program on the first device with
 * {@code cl_khr_spir}, to prove writer → llvm-spirv → PoCL before the runtime's binding is wired in.
 */
final class MiniOpenCl implements AutoCloseable {
    private static final Linker LINKER = Linker.nativeLinker();
    private final SymbolLookup lib;
    private final Arena arena = Arena.ofConfined();
    final MemorySegment device;
    private final MemorySegment context;
    private final MemorySegment queue;

    private MethodHandle h(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException("missing " + name)), fd);
    }

    /** Null when no OpenCL library or no device with cl_khr_spir exists. */
    static MiniOpenCl open() {
        try {
            return new MiniOpenCl();
        } catch (IllegalStateException | IllegalArgumentException e) {
            return null;
        }
    }

    private MiniOpenCl() {
        lib = SymbolLookup.libraryLookup("libOpenCL.so.1", Arena.global());
        try {
            MemorySegment platforms = arena.allocate(ADDRESS, 8);
            MemorySegment count = arena.allocate(JAVA_INT);
            check((int) h("clGetPlatformIDs", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS))
                    .invokeExact(8, platforms, count), "clGetPlatformIDs");
            MethodHandle getDevices = h("clGetDeviceIDs", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS));
            MemorySegment found = null;
            for (int p = 0; p < count.get(JAVA_INT, 0) && found == null; p++) {
                MemorySegment devices = arena.allocate(ADDRESS, 8);
                MemorySegment n = arena.allocate(JAVA_INT);
                if ((int) getDevices.invokeExact(platforms.getAtIndex(ADDRESS, p), 0xFFFFFFFFL, 8, devices, n) != 0) {
                    continue;
                }
                for (int d = 0; d < n.get(JAVA_INT, 0); d++) {
                    MemorySegment dev = devices.getAtIndex(ADDRESS, d);
                    if (deviceString(dev, 0x1030).contains("cl_khr_spir")) {
                        found = dev;
                        break;
                    }
                }
            }
            if (found == null) {
                throw new IllegalStateException("no OpenCL device with cl_khr_spir");
            }
            device = found;
            MemorySegment err = arena.allocate(JAVA_INT);
            MemorySegment devs = arena.allocate(ADDRESS);
            devs.set(ADDRESS, 0, device);
            context = (MemorySegment) h("clCreateContext", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS))
                    .invokeExact(MemorySegment.NULL, 1, devs, MemorySegment.NULL, MemorySegment.NULL, err);
            check(err.get(JAVA_INT, 0), "clCreateContext");
            queue = (MemorySegment) h("clCreateCommandQueue", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS))
                    .invokeExact(context, device, 0L, err);
            check(err.get(JAVA_INT, 0), "clCreateCommandQueue");
        } catch (IllegalStateException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    String deviceString(MemorySegment dev, int param) throws Throwable {
        MethodHandle info = h("clGetDeviceInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        MemorySegment size = arena.allocate(JAVA_LONG);
        check((int) info.invokeExact(dev, param, 0L, MemorySegment.NULL, size), "clGetDeviceInfo");
        MemorySegment value = arena.allocate(size.get(JAVA_LONG, 0) + 1);
        check((int) info.invokeExact(dev, param, value.byteSize(), value, MemorySegment.NULL), "clGetDeviceInfo");
        return value.getString(0);
    }

    /** Builds SPIR bitcode with "-x spir -spir-std=1.2"; failure carries the build log. */
    MemorySegment kernel(byte[] bitcode, String name) throws Throwable {
        MemorySegment err = arena.allocate(JAVA_INT);
        MemorySegment devs = arena.allocate(ADDRESS);
        devs.set(ADDRESS, 0, device);
        MemorySegment lengths = arena.allocate(JAVA_LONG);
        lengths.set(JAVA_LONG, 0, bitcode.length);
        MemorySegment bin = arena.allocate(bitcode.length);
        bin.copyFrom(MemorySegment.ofArray(bitcode));
        MemorySegment bins = arena.allocate(ADDRESS);
        bins.set(ADDRESS, 0, bin);
        MemorySegment status = arena.allocate(JAVA_INT);
        MemorySegment program = (MemorySegment) h("clCreateProgramWithBinary",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS))
                .invokeExact(context, 1, devs, lengths, bins, status, err);
        check(err.get(JAVA_INT, 0), "clCreateProgramWithBinary");
        int rc = (int) h("clBuildProgram", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS))
                .invokeExact(program, 1, devs, arena.allocateFrom("-x spir -spir-std=1.2"), MemorySegment.NULL, MemorySegment.NULL);
        if (rc != 0) {
            MethodHandle log = h("clGetProgramBuildInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
            MemorySegment text = arena.allocate(1 << 16);
            int ignored = (int) log.invokeExact(program, device, 0x1183, text.byteSize(), text, MemorySegment.NULL);
            throw new IllegalStateException("clBuildProgram " + rc + ": " + text.getString(0));
        }
        MemorySegment kernel = (MemorySegment) h("clCreateKernel", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS))
                .invokeExact(program, arena.allocateFrom(name), err);
        check(err.get(JAVA_INT, 0), "clCreateKernel " + name);
        return kernel;
    }

    MemorySegment buffer(MemorySegment host) throws Throwable {
        MemorySegment err = arena.allocate(JAVA_INT);
        MemorySegment mem = (MemorySegment) h("clCreateBuffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS))
                .invokeExact(context, 1L | (1L << 5), host.byteSize(), host, err); // READ_WRITE | COPY_HOST_PTR
        check(err.get(JAVA_INT, 0), "clCreateBuffer");
        return mem;
    }

    void argBuffer(MemorySegment kernel, int index, MemorySegment mem) throws Throwable {
        MemorySegment slot = arena.allocate(ADDRESS);
        slot.set(ADDRESS, 0, mem);
        arg(kernel, index, slot);
    }

    void arg(MemorySegment kernel, int index, MemorySegment value) throws Throwable {
        check((int) h("clSetKernelArg", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS))
                .invokeExact(kernel, index, value.byteSize(), value), "clSetKernelArg " + index);
    }

    MemorySegment scalarInt(int v) {
        return arena.allocateFrom(JAVA_INT, v);
    }

    void run(MemorySegment kernel, long[] global, long[] local) throws Throwable {
        MemorySegment g = arena.allocateFrom(JAVA_LONG, global);
        MemorySegment l = local == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, local);
        check((int) h("clEnqueueNDRangeKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS))
                .invokeExact(queue, kernel, global.length, MemorySegment.NULL, g, l, 0, MemorySegment.NULL, MemorySegment.NULL), "clEnqueueNDRangeKernel");
        check((int) h("clFinish", FunctionDescriptor.of(JAVA_INT, ADDRESS)).invokeExact(queue), "clFinish");
    }

    void read(MemorySegment mem, MemorySegment host) throws Throwable {
        check((int) h("clEnqueueReadBuffer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, ADDRESS, ADDRESS))
                .invokeExact(queue, mem, 1, 0L, host.byteSize(), host, 0, MemorySegment.NULL, MemorySegment.NULL), "clEnqueueReadBuffer");
    }

    /**
     * Runs a built kernel on the Java arguments in the order of {@code ir.deviceArgs()}: arrays are copied to
     * fresh device buffers and copied back into the same Java objects afterwards.
     */
    void runIr(ai.kimitornado.tasks.jit.KernelIR ir, MemorySegment kernel, Object[] args, long[] global, long[] local)
            throws Throwable {
        java.util.Map<Integer, MemorySegment> buffers = new java.util.LinkedHashMap<>();
        MethodHandle release = h("clReleaseMemObject", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            int index = 0;
            for (ai.kimitornado.tasks.jit.DeviceArg d : ir.deviceArgs()) {
                Object v = args[d.paramIndex()];
                MemorySegment value = switch (d.kind()) {
                    case ARRAY -> {
                        ai.kimitornado.tasks.types.arrays.NativeArray array = (ai.kimitornado.tasks.types.arrays.NativeArray) v;
                        MemorySegment mem = buffers.computeIfAbsent(d.paramIndex(), k -> bufferOf(array));
                        MemorySegment slot = a.allocate(ADDRESS);
                        slot.set(ADDRESS, 0, mem);
                        yield slot;
                    }
                    case ARRAY_SIZE -> a.allocateFrom(JAVA_INT, ((ai.kimitornado.tasks.types.arrays.NativeArray) v).getSize());
                    case SCALAR -> switch (d.reg().type()) {
                        case I64 -> a.allocateFrom(JAVA_LONG, ((Number) v).longValue());
                        case F32 -> a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_FLOAT, ((Number) v).floatValue());
                        case F64 -> a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_DOUBLE, ((Number) v).doubleValue());
                        default -> a.allocateFrom(JAVA_INT, v instanceof Boolean b ? (b ? 1 : 0)
                                : v instanceof Character c ? c : ((Number) v).intValue());
                    };
                };
                arg(kernel, index++, value);
            }
            run(kernel, global, local);
            for (var e : buffers.entrySet()) {
                ai.kimitornado.tasks.types.arrays.NativeArray array = (ai.kimitornado.tasks.types.arrays.NativeArray) args[e.getKey()];
                if (array.getNumBytes() > 0) {
                    read(e.getValue(), array.segment());
                }
            }
        } finally {
            for (MemorySegment mem : buffers.values()) {
                int ignored = (int) release.invokeExact(mem);
            }
        }
    }

    private MemorySegment bufferOf(ai.kimitornado.tasks.types.arrays.NativeArray array) {
        try {
            if (array.getNumBytes() == 0) {
                MemorySegment err = arena.allocate(JAVA_INT);
                MemorySegment mem = (MemorySegment) h("clCreateBuffer", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS))
                        .invokeExact(context, 1L, 4L, MemorySegment.NULL, err);
                check(err.get(JAVA_INT, 0), "clCreateBuffer");
                return mem;
            }
            return buffer(array.segment());
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    Arena arena() {
        return arena;
    }

    private static void check(int rc, String what) {
        if (rc != 0) {
            throw new IllegalStateException(what + " failed with OpenCL error " + rc);
        }
    }

    @Override
    public void close() {
        // the process ends soon after the tests; the context and queue die with it
        arena.close();
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
