package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceBuffer;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceMemoryException;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LaunchEvent;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import ai.kimitornado.tasks.runtime.LoadedKernel;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One OpenCL device: its own context and in-order profiling queue (created on first use), buffers,
 * programs built from OpenCL C, SPIR-V or a cached binary, and launches. Every call on the native
 * queue is made under this object's lock, because plans on different threads may share the device.
 */
public final class OpenClDevice implements Device {
    private final ClBinding cl;
    private final MemorySegment device;
    private final DeviceInfo info;
    private final boolean correctlyRoundedDivSqrt;
    /** "opencl:0:0 (device name)": goes into every error message. */
    private final String site;
    private final Arena arena = Arena.ofShared(); // launch scratch and buffer handle slots; lives as long as the device
    private final Map<ClBuffer, Boolean> live = new IdentityHashMap<>();
    private final List<ClProgram> programs = new ArrayList<>();
    private final OpenClKernelCompiler compiler = new OpenClKernelCompiler(this);
    private final Arena kernelArena = Arena.ofAuto(); // scalar argument slots of kernels wrapped by loadedKernel
    private MemorySegment context;
    private MemorySegment queue;
    private String queueKind;
    private long allocated;
    private MemorySegment sizes; // 6 size_t: global[3], local[3]
    private final MemorySegment profileScratch = arena.allocate(JAVA_LONG);

    OpenClDevice(ClBinding cl, MemorySegment platform, MemorySegment device, String id) {
        this.cl = cl;
        this.device = device;
        this.info = OpenClDeviceInfo.query(cl, platform, device, id);
        this.site = id + " (" + info.name() + ")";
        this.correctlyRoundedDivSqrt = OpenClDeviceInfo.correctlyRoundedDivSqrt(cl, device);
        this.concurrentBuilds = concurrentBuilds(info);
    }

    /** Whether fp32 division and sqrt can be built correctly rounded (Java semantics); see {@link OpenClKernelCompiler}. */
    boolean correctlyRoundedDivSqrt() {
        return correctlyRoundedDivSqrt;
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    public String site() {
        return site;
    }

    ClBinding binding() {
        return cl;
    }

    MemorySegment deviceHandle() {
        return device;
    }

    @Override
    public boolean sharesHostMemory() {
        return false;
    }

    /** How the queue was made: OpenCL 2.0+ with properties, or the 1.x entry point (stated, not hidden). */
    public synchronized String queueKind() {
        ensureQueue();
        return queueKind;
    }

    private void ensureQueue() {
        if (queue != null) return;
        context = cl.createContext(device, site);
        boolean legacy = info.deviceVersion().startsWith("OpenCL 1.") || !cl.hasQueueWithProperties();
        if (legacy) {
            queue = cl.createQueueLegacy(context, device, site);
            queueKind = "clCreateCommandQueue (OpenCL 1.x device), in-order, profiling";
        } else {
            queue = cl.createQueueWithProfiling(context, device, site);
            queueKind = "clCreateCommandQueueWithProperties, in-order, profiling";
        }
        sizes = arena.allocate(JAVA_LONG, 6);
    }

    // ---- memory ----

    @Override
    public synchronized DeviceBuffer allocate(long bytes, String label) {
        ensureQueue();
        long request = Math.max(bytes, 1); // a zero-length cl_mem is CL_INVALID_BUFFER_SIZE
        if (request > info.maxAllocBytes() && info.maxAllocBytes() > 0) {
            throw new DeviceMemoryException(memoryMessage("the device's largest allocation is " + info.maxAllocBytes() + " bytes (CL_DEVICE_MAX_MEM_ALLOC_SIZE)", bytes, label), null);
        }
        MemorySegment mem;
        try {
            mem = cl.createBuffer(context, request, site);
        } catch (ClException e) {
            throw new DeviceMemoryException(memoryMessage(ClErrors.name(e.code()), bytes, label), e);
        }
        MemorySegment slot = arena.allocate(ADDRESS);
        slot.set(ADDRESS, 0, mem);
        ClBuffer b = new ClBuffer(mem, slot, bytes, label);
        live.put(b, Boolean.TRUE);
        allocated += bytes;
        return b;
    }

    private String memoryMessage(String reason, long bytes, String label) {
        String inUse = live.keySet().stream().sorted((a, b) -> Long.compare(b.bytes(), a.bytes())).limit(8)
                .map(b -> b.label() + "=" + b.bytes()).collect(Collectors.joining(", "));
        return "cannot allocate " + bytes + " bytes for " + label + " on " + site + ": " + reason
                + "; in use: " + allocated + " bytes in " + live.size() + " buffers (global memory "
                + info.globalMemBytes() + " bytes)" + (inUse.isEmpty() ? "" : "; largest: " + inUse);
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        ClBuffer b = (ClBuffer) buffer;
        if (live.remove(b) == null) return; // already freed
        allocated -= b.bytes();
        cl.releaseMem(b.mem());
    }

    @Override
    public synchronized long allocatedBytes() {
        return allocated;
    }

    @Override
    public synchronized void copyIn(DeviceBuffer dst, MemorySegment src) {
        ClBuffer b = (ClBuffer) dst;
        checkFits(b, src.byteSize(), "copy in");
        if (src.byteSize() == 0) return;
        cl.write(queue, b.mem(), 0, src, MemorySegment.NULL, site);
    }

    @Override
    public synchronized void copyOut(MemorySegment dst, DeviceBuffer src) {
        ClBuffer b = (ClBuffer) src;
        checkFits(b, dst.byteSize(), "copy out");
        if (dst.byteSize() == 0) return;
        cl.read(queue, b.mem(), 0, dst, MemorySegment.NULL, site);
    }

    private void checkFits(ClBuffer b, long bytes, String what) {
        if (bytes > b.bytes()) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes into " + b.label() + " (" + b.bytes() + " bytes) on " + site);
        }
    }

    // ---- programs ----

    // Program creation and builds run outside this object's lock: OpenCL API calls other than clSetKernelArg are
    // thread-safe (OpenCL 1.1+ spec, appendix "Shared OpenCL Objects" / "Multiple Host Threads"), so kernels can
    // be loaded on several threads while the queue stays usable; only the program list is guarded. Drivers do not all
    // live up to it: with PoCL 3.1, builds fail while other threads run Java code ("unable to rename temporary
    // ... preproc.cl": LLVM's signal handler, installed during the build, catches the JVM's own signals and deletes
    // the build's temporary files), so builds run one at a time, and the plan loads kernels on one thread, except on
    // NVIDIA (-Dkimi.opencl.concurrentBuilds=true|false overrides).
    private final Object buildLock = new Object();
    private final boolean concurrentBuilds;

    private static boolean concurrentBuilds(DeviceInfo info) {
        String p = System.getProperty("kimi.opencl.concurrentBuilds");
        if (p != null) return Boolean.parseBoolean(p.strip());
        return info.vendor() != null && info.vendor().toUpperCase(java.util.Locale.ROOT).contains("NVIDIA");
    }

    /** Whether programs build on several threads at once on this device (else one at a time, in any thread). */
    public boolean buildsConcurrently() {
        return concurrentBuilds;
    }

    @Override
    public boolean loadsKernelsConcurrently() {
        return concurrentBuilds;
    }

    private ClProgram build(java.util.function.Supplier<ClProgram> build) {
        if (concurrentBuilds) return build.get();
        synchronized (buildLock) {
            return build.get();
        }
    }

    /** The device's context, created with the queue on first use. */
    private synchronized MemorySegment contextForPrograms() {
        ensureQueue();
        return context;
    }

    /** Builds OpenCL C for this device; failure shows the build log and the source around the error. */
    public ClProgram buildFromSource(String source, String entryName, String options) {
        MemorySegment ctx = contextForPrograms();
        return build(() -> finishBuild(cl.createProgramWithSource(ctx, source, site), entryName, options, source));
    }

    /** Builds a SPIR-V module (clCreateProgramWithIL); the device must list SPIR-V in CL_DEVICE_IL_VERSION. */
    public ClProgram buildFromIl(byte[] il, String entryName, String options) {
        MemorySegment ctx = contextForPrograms();
        if (info.ilVersions().isEmpty()) {
            throw new ClException(-59, "clCreateProgramWithIL(" + entryName + ")", site, "the device lists no IL in CL_DEVICE_IL_VERSION");
        }
        return build(() -> finishBuild(cl.createProgramWithIL(ctx, il, site), entryName, options, null));
    }

    /** Loads a binary from {@link #programBinary} (kernel cache). */
    public ClProgram buildFromBinary(byte[] binary, String entryName, String options) {
        MemorySegment ctx = contextForPrograms();
        return build(() -> finishBuild(cl.createProgramWithBinary(ctx, device, binary, site), entryName, options, null));
    }

    public byte[] programBinary(ClProgram program) {
        return cl.programBinary(program.program(), site);
    }

    private ClProgram finishBuild(MemorySegment p, String entryName, String options, String source) {
        int rc = cl.buildProgram(p, device, options);
        if (rc != ClBinding.CL_SUCCESS) {
            String log = cl.buildLog(p, device);
            cl.releaseProgram(p);
            throw new ClBuildFailure(rc, entryName, site, log, source);
        }
        MemorySegment k;
        try {
            k = cl.createKernel(p, entryName, site);
        } catch (ClException e) {
            cl.releaseProgram(p);
            throw e;
        }
        ClProgram prog = new ClProgram(p, k, entryName, cl.kernelWorkGroupSize(k, device, site));
        synchronized (this) {
            programs.add(prog);
        }
        return prog;
    }

    public synchronized void release(ClProgram program) {
        if (programs.remove(program)) {
            cl.releaseKernel(program.kernel());
            cl.releaseProgram(program.program());
        }
    }

    @Override
    public LoadedKernel compile(CompileRequest request) {
        return compiler.compile(request);
    }

    /**
     * Forgets the programs built on this device (they are released), so that the next compile goes
     * to the disk cache or the driver: for tests and for measuring cold compile times.
     */
    public synchronized void clearProgramCache() {
        compiler.clear();
        for (ClProgram p : new ArrayList<>(programs)) release(p);
    }

    /**
     * Wraps a program built here (e.g. by the SPIR-V backend through {@link #buildFromIl} or
     * {@link #buildFromBinary}) as a kernel that {@link #launch(LoadedKernel, KernelArg[], LaunchGrid, boolean)}
     * binds by {@code ir.deviceArgs()}, exactly like kernels compiled from OpenCL C.
     */
    public LoadedKernel loadedKernel(String name, ClProgram program, String code, long compileNanos, boolean fromCache, KernelIR ir) {
        return new OpenClKernel(name, program, code, compileNanos, fromCache, ir, kernelArena);
    }

    // ---- launches ----

    @Override
    public synchronized LaunchEvent launch(LoadedKernel kernel, KernelArg[] args, LaunchGrid grid, boolean profile) {
        OpenClKernel k = (OpenClKernel) kernel;
        return launch(k.program(), k.bindArgs(args), grid, profile, k.name());
    }

    /**
     * Sets the device kernel's arguments ({@code argValues[i]}: the bytes of argument i, e.g. a
     * {@link ClBuffer#handleArg()} or a scalar) and enqueues it.
     */
    public synchronized LaunchEvent launch(ClProgram program, MemorySegment[] argValues, LaunchGrid grid, boolean profile, String name) {
        ensureQueue();
        for (int i = 0; i < argValues.length; i++) cl.setKernelArg(program.kernel(), i, argValues[i], site + ", kernel " + name);
        int dims = grid.dims();
        for (int d = 0; d < dims; d++) {
            sizes.setAtIndex(JAVA_LONG, d, grid.global()[d]);
            if (grid.local() != null) sizes.setAtIndex(JAVA_LONG, 3 + d, grid.local()[d]);
        }
        MemorySegment local = grid.local() == null ? MemorySegment.NULL : sizes.asSlice(3 * 8L, dims * 8L);
        Arena eventArena = profile ? Arena.ofConfined() : null;
        MemorySegment eventSlot = profile ? eventArena.allocate(ADDRESS) : MemorySegment.NULL;
        int rc = cl.enqueueNDRange(queue, program.kernel(), dims, sizes, local, eventSlot);
        if (rc != ClBinding.CL_SUCCESS) {
            if (eventArena != null) eventArena.close();
            String hint = switch (rc) {
                case -54, -55 -> "kernel's max work-group size " + program.maxWorkGroupSize() + ", device's "
                        + info.maxWorkGroupSize() + " / " + Arrays.toString(info.maxWorkItemSizes());
                case -4, -5, -6 -> "device memory in use: " + allocated + " bytes in " + live.size() + " buffers of "
                        + info.globalMemBytes() + " (buffers are allocated lazily by some drivers, so this shows at launch)";
                default -> null;
            };
            throw new ClException(rc, "clEnqueueNDRangeKernel(" + name + ", " + grid + ")", site, hint);
        }
        if (!profile) return LaunchEvent.completed(-1);
        return new ClLaunchEvent(this, eventArena, eventSlot);
    }

    /** Waits for the event in {@code eventSlot} (a cl_event*) and returns END - START in nanoseconds. */
    synchronized long eventNanos(MemorySegment eventSlot) {
        cl.waitForEvent(eventSlot, site);
        long[] startEnd = new long[2];
        cl.profile(eventSlot.get(ADDRESS, 0), profileScratch, startEnd, site);
        return startEnd[1] - startEnd[0];
    }

    synchronized void releaseEvent(MemorySegment event) {
        cl.releaseEvent(event);
    }

    @Override
    public synchronized void synchronize() {
        if (queue != null) cl.finish(queue, site);
    }

    /** Frees everything: buffers that plans forgot, programs, queue, context. */
    public synchronized void close() {
        for (ClBuffer b : new ArrayList<>(live.keySet())) free(b);
        for (ClProgram p : new ArrayList<>(programs)) release(p);
        if (queue != null) {
            cl.finish(queue, site);
            cl.releaseQueue(queue);
            cl.releaseContext(context);
            queue = null;
            context = null;
        }
    }

    /** Facts for {@code kimi-tornado devices} beyond DeviceInfo's fields. */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>(info.extra());
        return m;
    }
}
