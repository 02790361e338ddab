package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxKernel;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.JitPhases;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.DeviceBuffer;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceMemoryException;
import ai.kimitornado.tasks.runtime.GraphReplayDevice;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LaunchEvent;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One GPU behind the runtime's backend SPI: JIT IR → PTX ({@link PtxEmitter}) → cuModuleLoadDataEx,
 * device buffers, copies and launches on one non-blocking stream, event timings, and CUDA graph
 * capture of everything a block of work enqueues ({@link #capture}, replayed by {@link #replay}).
 * The context is retained on first use, so listing devices costs nothing.
 */
public final class CudaComputeDevice implements GraphReplayDevice {
    private final CudaDeviceInfo cuda;
    private final PtxTarget target;
    private final DeviceInfo info;
    private final Map<String, CompletableFuture<CudaModule>> modules = new ConcurrentHashMap<>(); // PTX text → loaded module
    private final Map<CudaBuffer, Boolean> live = new IdentityHashMap<>();
    private final List<String> launchedSinceSync = new ArrayList<>();
    private CudaContext context;
    private CudaStream stream;
    private long allocated;
    private boolean capturing;

    CudaComputeDevice(CudaDeviceInfo cuda) {
        this.cuda = cuda;
        this.target = PtxTarget.forComputeCapability(cuda.computeMajor(), cuda.computeMinor());
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put(DeviceInfo.COMPUTE_CAPABILITY, cuda.computeMajor() + "." + cuda.computeMinor());
        extra.put("ptx", "ISA " + target.isaMajor() + "." + target.isaMinor() + " for " + target.arch());
        extra.put("shared memory per block (opt-in)", cuda.sharedMemoryPerBlockOptin() + " B");
        extra.put("memory bus", cuda.memoryBusWidthBits() + " bit, " + String.format("%.0f GB/s theoretical", cuda.theoreticalBandwidthGBs()));
        extra.put("L2", cuda.l2CacheBytes() / 1024 + " KiB");
        extra.put("clock", cuda.clockKHz() / 1000 + " MHz");
        this.info = new DeviceInfo(cuda.id(), "cuda", cuda.name(), "NVIDIA", cuda.driverVersionText(),
                cuda.smArchitecture(), "GPU", cuda.totalMemoryBytes(), cuda.sharedMemoryPerBlock(), cuda.totalMemoryBytes(),
                cuda.multiprocessors(), cuda.maxThreadsPerBlock(), new long[] {1024, 1024, 64}, "", true, true, true,
                List.of("PTX " + target.isaMajor() + "." + target.isaMinor()), List.of(), extra);
    }

    @Override
    public DeviceInfo info() {
        return info;
    }

    /** The compute capability target PTX is emitted for. */
    public PtxTarget target() {
        return target;
    }

    @Override
    public boolean sharesHostMemory() {
        return false;
    }

    private synchronized CudaStream stream() {
        if (stream == null) {
            context = CudaPlatform.get().context(cuda.ordinal());
            stream = context.createStream();
        }
        return stream;
    }

    private CudaContext context() {
        stream();
        return context;
    }

    // ---- memory -----------------------------------------------------------------------------------

    @Override
    public synchronized DeviceBuffer allocate(long bytes, String label) {
        try {
            CudaBuffer buffer = context().allocate(Math.max(bytes, 4), label);
            live.put(buffer, Boolean.TRUE);
            allocated += buffer.bytes();
            return new CudaDeviceBuffer(buffer);
        } catch (CudaException e) {
            throw new DeviceMemoryException("cannot allocate " + bytes + " bytes for '" + label + "' on " + cuda.id() + " ("
                    + cuda.name() + "): " + e.getMessage() + "; this device holds " + allocated + " bytes in " + live.size()
                    + " buffers for this process, " + cuda.totalMemoryBytes() + " in total", e);
        }
    }

    @Override
    public synchronized void free(DeviceBuffer buffer) {
        CudaBuffer b = ((CudaDeviceBuffer) buffer).buffer();
        if (live.remove(b) != null) {
            allocated -= b.bytes();
            b.close();
        }
    }

    @Override
    public synchronized long allocatedBytes() {
        return allocated;
    }

    @Override
    public synchronized void copyIn(DeviceBuffer dst, MemorySegment src) {
        CudaBuffer b = ((CudaDeviceBuffer) dst).buffer();
        if (recording != null) {
            // graphs cannot capture copies from pageable memory: stage through pinned memory, refreshed per replay
            PinnedHostBuffer staging = context().allocatePinned(src.byteSize());
            recording.before.add(new HostCopy(src, staging));
            b.copyFromHost(staging.segment(), 0, src.byteSize(), stream());
            return;
        }
        b.copyFromHost(src, 0, src.byteSize(), stream());
        synchronize();
    }

    @Override
    public synchronized void copyOut(MemorySegment dst, DeviceBuffer src) {
        CudaBuffer b = ((CudaDeviceBuffer) src).buffer();
        if (recording != null) {
            PinnedHostBuffer staging = context().allocatePinned(dst.byteSize());
            recording.after.add(new HostCopy(dst, staging));
            b.copyToHost(staging.segment(), 0, dst.byteSize(), stream());
            return;
        }
        b.copyToHost(dst, 0, dst.byteSize(), stream());
        synchronize();
    }

    // ---- compile ----------------------------------------------------------------------------------

    @Override
    public LoadedKernel compile(CompileRequest request) {
        long t0 = System.nanoTime();
        JitPhases.Timer timer = JitPhases.timer();
        KernelIR ir = request.ir();
        String name = request.ref().displayName();
        KernelCache cache = cache(request.options().kernelCacheDir());
        String key = KernelCache.key(ir.bytecodeHash(), "", PtxEmitter.VERSION, cuda.name() + "/" + target.arch()
                + "/isa" + target.isaMajor() + target.isaMinor());
        String entry = PtxEmitter.entryName(ir);
        timer.lap(JitPhases.Phase.CACHE_KEY);
        // the driver keeps its own JIT cache of identical PTX text, so a cached PTX also skips most of the load
        String emitted = cache.source(key).orElse(null);
        timer.lap(JitPhases.Phase.DISK_READ);
        boolean fromCache = emitted != null;
        if (emitted == null) {
            emitted = PtxEmitter.emit(ir, target).source();
            timer.lap(JitPhases.Phase.EMIT);
            cache.putSource(key, emitted);
            timer.lap(JitPhases.Phase.DISK_WRITE);
        }
        String source = request.options().sourceHook().apply(emitted);
        if (request.options().printKernel() != null) {
            request.options().printKernel().accept("// kernel " + name + " (task " + request.taskName() + ") on " + cuda.id()
                    + "\n" + source);
        }
        CudaModule module = module(source, name + " (task " + request.taskName() + ")");
        PtxKernel ptx = new PtxKernel(entry, source, target);
        CudaFunction function = module.function(entry);
        timer.lap(fromCache ? JitPhases.Phase.DRIVER_FROM_CACHE : JitPhases.Phase.DRIVER_FROM_SOURCE);
        return new CudaLoadedKernel(ir, ptx, function, name, System.nanoTime() - t0, fromCache);
    }

    private static final Map<Path, KernelCache> DISK_CACHES = new ConcurrentHashMap<>();
    private static final KernelCache MEMORY_CACHE = KernelCache.memoryOnly();

    private static KernelCache cache(Path directory) {
        return directory == null ? MEMORY_CACHE : DISK_CACHES.computeIfAbsent(directory, KernelCache::new);
    }

    /**
     * The module of this PTX text, loaded once: different modules load concurrently (the CUDA driver API is
     * thread-safe; CudaModule.load makes the context current on the calling thread), callers of the same text wait
     * for the first load. A failed load is forgotten, so the next caller gets the same error again.
     */
    private CudaModule module(String source, String what) {
        String key = source; // the whole text: a hash collision must never hand out another kernel's module
        CompletableFuture<CudaModule> mine = new CompletableFuture<>();
        CompletableFuture<CudaModule> first = modules.putIfAbsent(key, mine);
        if (first != null) {
            try {
                return first.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        }
        try {
            CudaModule m = context().loadPtx(source, what);
            mine.complete(m);
            return m;
        } catch (RuntimeException | Error e) {
            modules.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Unloads every module loaded here, so that the next compile of each kernel loads its PTX again (from the disk
     * cache when the plan has one): for measuring cache loads, once no plan of this device runs any more.
     */
    public synchronized void clearModuleCache() {
        for (CompletableFuture<CudaModule> f : modules.values()) {
            CudaModule m = f.getNow(null);
            if (m != null) m.close();
        }
        modules.clear();
    }

    // ---- launch -----------------------------------------------------------------------------------

    @Override
    public synchronized LaunchEvent launch(LoadedKernel kernel, KernelArg[] args, LaunchGrid grid, boolean profile) {
        CudaLoadedKernel k = (CudaLoadedKernel) kernel;
        CudaStream s = stream();
        bind(k, args);
        CudaFunction function = aliasesReadOnlyArray(k, args) ? aliasSafe(k) : k.function;
        LaunchGeometry geometry = CudaGrids.geometry(k.ir, grid, function.maxThreadsPerBlock(), k.name, cuda.id());
        CudaEvent start = null;
        CudaEvent end = null;
        if (profile && !capturing && recording == null) {
            start = context.createEvent();
            end = context.createEvent();
            start.record(s);
        }
        function.launch(geometry, k.params, s);
        launchedSinceSync.add(k.name);
        if (start == null) {
            return LaunchEvent.completed(-1);
        }
        end.record(s);
        return new CudaLaunchEvent(start, end);
    }

    private static void bind(CudaLoadedKernel k, KernelArg[] args) {
        PtxArguments.bind(k.ir, k.params,
                i -> ((CudaDeviceBuffer) ((KernelArg.Buffer) args[i]).buffer()).buffer().address(),
                i -> ((KernelArg.Scalar) args[i]).value(),
                i -> ((NativeArray) ((KernelArg.Buffer) args[i]).host()).getSize());
    }

    /** True when one buffer is bound both to a parameter the kernel only reads and to one it writes. */
    private static boolean aliasesReadOnlyArray(CudaLoadedKernel k, KernelArg[] args) {
        List<KernelParam> params = k.ir.params();
        for (DeviceArg a : k.ir.deviceArgs()) {
            if (a.kind() != DeviceArg.Kind.ARRAY || params.get(a.paramIndex()).written()) {
                continue;
            }
            DeviceBuffer readOnly = ((KernelArg.Buffer) args[a.paramIndex()]).buffer();
            for (DeviceArg b : k.ir.deviceArgs()) {
                if (b.kind() == DeviceArg.Kind.ARRAY && params.get(b.paramIndex()).written()
                        && ((KernelArg.Buffer) args[b.paramIndex()]).buffer() == readOnly) {
                    return true;
                }
            }
        }
        return false;
    }

    private CudaFunction aliasSafe(CudaLoadedKernel k) {
        if (k.aliasSafe == null) {
            PtxKernel plain = PtxEmitter.emit(k.ir, target, false);
            k.aliasSafe = module(plain.source(), k.name + " (no read-only cache: aliased arguments)").function(plain.entryName());
        }
        return k.aliasSafe;
    }

    @Override
    public synchronized void synchronize() {
        if (stream == null) {
            return;
        }
        try {
            stream.synchronize();
        } catch (CudaException e) {
            String kernels = String.join(", ", launchedSinceSync);
            launchedSinceSync.clear();
            throw new CudaException(e.code(), e.getMessage() + " (kernels launched since the last synchronization: "
                    + (kernels.isEmpty() ? "none" : kernels) + ")", true);
        }
        launchedSinceSync.clear();
    }

    // ---- CUDA graphs ------------------------------------------------------------------------------

    /** A host array and the pinned copy a captured transfer reads or writes. */
    private record HostCopy(MemorySegment host, PinnedHostBuffer staging) {}

    /** What {@link #capture(String, Runnable)} recorded for the runtime: the graph and its host-side copies. */
    private final class CudaRecording implements Recording {
        final List<HostCopy> before = new ArrayList<>();
        final List<HostCopy> after = new ArrayList<>();
        CudaGraph graph;

        @Override
        public long nodes() {
            return graph.nodeCount();
        }

        @Override
        public void close() {
            synchronized (CudaComputeDevice.this) {
                if (graph != null) {
                    graph.close();
                }
                before.forEach(c -> c.staging().close());
                after.forEach(c -> c.staging().close());
            }
        }
    }

    private CudaRecording recording;

    /** Records a plan execution (launches and transfers through this device) as a CUDA graph. */
    @Override
    public synchronized Recording capture(String what, Runnable work) {
        CudaRecording r = new CudaRecording();
        recording = r;
        try {
            r.graph = captureGraph(what, work);
            return r;
        } catch (RuntimeException e) {
            recording = null;
            r.close();
            throw e;
        } finally {
            recording = null;
        }
    }

    @Override
    public synchronized void replay(Recording recording) {
        CudaRecording r = (CudaRecording) recording;
        for (HostCopy c : r.before) {
            c.staging().segment().copyFrom(c.host());
        }
        replay(r.graph);
        synchronize();
        for (HostCopy c : r.after) {
            c.host().copyFrom(c.staging().segment());
        }
    }

    /**
     * Records {@code work} (launches and copies through this device) as a graph instead of running it.
     * Host copies inside must use page-locked memory ({@link #allocatePinned}); kernel arguments are
     * frozen at capture, so values that change between replays belong in device buffers.
     */
    public synchronized CudaGraph captureGraph(String what, Runnable work) {
        stream();
        capturing = true;
        try {
            return stream.capture(work, what);
        } finally {
            capturing = false;
            launchedSinceSync.clear();
        }
    }

    /** Replays a captured graph on this device's stream (asynchronous; {@link #synchronize()} waits). */
    public synchronized void replay(CudaGraph graph) {
        graph.launch(stream());
        launchedSinceSync.add("graph");
    }

    /** Page-locked host memory in this device's context, for copies that a graph captures. */
    public PinnedHostBuffer allocatePinned(long bytes) {
        return context().allocatePinned(bytes);
    }
}
