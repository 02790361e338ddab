package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.api.TornadoProfilerResult.TaskProfile;
import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.jit.JitPhases;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Set;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the graphs of one plan on one device: compiles each task once, keeps arrays resident by
 * identity, performs the transfers their modes ask for, launches, and records the profile.
 * Not thread-safe: a plan is executed by one thread at a time.
 */
public final class PlanExecutor implements AutoCloseable {
    private final List<GraphSpec> graphs;
    private final ResidencyTable residency = new ResidencyTable();
    private final Map<GraphSpec.Task, CompiledTask> compiled = new IdentityHashMap<>();
    private Device device;
    private CompileOptions compileOptions = CompileOptions.defaults();
    private GridScheduler grids;
    /** Graphs that have run at least once since the device was chosen (their FIRST_EXECUTION host copies are done). */
    private final Set<GraphSpec> executedGraphs = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;
    /** withCUDAGraph: executions after the first are captured once, then replayed (cuda backend). */
    private boolean graphReplay;
    private java.util.function.LongConsumer transferListener = b -> {};
    /** withCUDAGraph recordings, one per set of graphs executed together (all, or one by name). */
    private final Map<List<String>, GraphReplayDevice.Recording> recordings = new HashMap<>();

    /** A task compiled for the plan's device, with its launch arguments (stable thanks to residency). */
    private record CompiledTask(String qualifiedName, KernelRef ref, KernelIR ir, LoadedKernel kernel,
                                long compileNanos, KernelArg[] args) {}

    public PlanExecutor(List<GraphSpec> graphs) {
        if (graphs.isEmpty()) throw new IllegalArgumentException("a plan needs at least one task graph");
        this.graphs = List.copyOf(graphs);
    }

    public Device device() {
        if (device == null) device = DeviceRegistry.get().defaultDevice();
        return device;
    }

    /** Switching device frees this plan's buffers and compiled kernels; FIRST_EXECUTION uploads happen again. */
    public void setDevice(Device d) {
        if (d == device) return;
        dropRecording();
        residency.freeAll();
        compiled.clear();
        executedGraphs.clear();
        device = d;
    }

    public void setCompileOptions(CompileOptions options) {
        dropRecording();
        this.compileOptions = options;
        compiled.clear();
    }

    public CompileOptions compileOptions() {
        return compileOptions;
    }

    public void setGridScheduler(GridScheduler grids) {
        dropRecording();
        this.grids = grids;
    }

    /**
     * Compiles (or loads from the caches) every task not compiled yet, several kernels at a time
     * ({@link KernelLoader}; one at a time when the plan prints kernels, so the printout keeps task order), then binds
     * their arguments on this thread. withPreCompilation calls it.
     */
    public CompileReport compileAll() {
        checkOpen();
        long t0 = System.nanoTime();
        JitPhases.Snapshot before = JitPhases.snapshot();
        List<GraphSpec> owners = new ArrayList<>();
        List<GraphSpec.Task> pending = new ArrayList<>();
        Set<GraphSpec.Task> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (GraphSpec g : graphs) {
            for (GraphSpec.Task t : g.tasks()) {
                if (!compiled.containsKey(t) && seen.add(t)) {
                    owners.add(g);
                    pending.add(t);
                }
            }
        }
        Device dev = device();
        CompileOptions options = compileOptions.printKernel() == null ? compileOptions.withSourceHook(serialized(compileOptions.sourceHook()))
                : compileOptions;
        // front end of each kernel method first, on the pool: pure Java, no driver call in flight (the front end
        // is most of a fresh process's load time); failures are left for the task's own load to report
        List<KernelRef> methods = new ArrayList<>(new java.util.LinkedHashSet<>(pending.stream().map(GraphSpec.Task::kernel).toList()));
        KernelLoader.loadAll(methods, KernelLoader.threads(methods.size()), ref -> {
            JitPhases.Timer timer = JitPhases.timer();
            try {
                KernelCompiler.frontEnd(ref);
            } catch (RuntimeException e) {
                // reported by load() below, with the task's name
            }
            timer.lap(JitPhases.Phase.FRONT_END);
            return ref;
        });
        int threads = options.printKernel() == null && dev.loadsKernelsConcurrently() ? KernelLoader.threads(pending.size()) : 1;
        // the first task of each kernel method first: the pool starts on distinct kernels (a real48B plan has 1,520
        // tasks over 40 kernels, 525 of the first tasks on two), later tasks of a kernel only wait for its build
        List<Integer> order = new ArrayList<>();
        List<Integer> repeats = new ArrayList<>();
        Set<KernelRef> firstSeen = new java.util.HashSet<>();
        boolean taskOrder = options.printKernel() != null; // a printout keeps the tasks' order
        for (int i = 0; i < pending.size(); i++) (taskOrder || firstSeen.add(pending.get(i).kernel()) ? order : repeats).add(i);
        order.addAll(repeats);
        List<Loaded> inOrder = KernelLoader.loadAll(order, threads, i -> load(owners.get(i), pending.get(i), dev, options));
        Loaded[] byTask = new Loaded[pending.size()];
        for (int j = 0; j < order.size(); j++) byTask[order.get(j)] = inOrder.get(j);
        List<Loaded> loaded = java.util.Arrays.asList(byTask);
        JitPhases.Snapshot phases = JitPhases.snapshot().minus(before);
        long loadedAt = System.nanoTime();
        int fromCache = 0;
        Set<KernelRef> kernels = new java.util.HashSet<>();
        for (int i = 0; i < pending.size(); i++) {
            Loaded l = loaded.get(i);
            compiled.put(pending.get(i), withArguments(l, pending.get(i)));
            if (l.kernel().fromCache()) fromCache++;
            kernels.add(l.ref());
        }
        return new CompileReport(pending.size(), kernels.size(), fromCache, threads, loadedAt - t0, System.nanoTime() - loadedAt,
                phases);
    }

    /** A source hook called from several loading threads at once, one call at a time (hooks are test code). */
    private static java.util.function.UnaryOperator<String> serialized(java.util.function.UnaryOperator<String> hook) {
        if (hook == null || hook == java.util.function.UnaryOperator.<String>identity()) return hook;
        Object lock = new Object();
        return s -> {
            synchronized (lock) {
                return hook.apply(s);
            }
        };
    }

    /** A task's kernel, ready on the device, before its arguments are bound. */
    private record Loaded(String qualifiedName, KernelRef ref, KernelIR ir, LoadedKernel kernel, long compileNanos) {}

    private CompiledTask compile(GraphSpec graph, GraphSpec.Task task) {
        CompiledTask c = compiled.get(task);
        if (c != null) return c;
        c = withArguments(load(graph, task, device(), compileOptions), task);
        compiled.put(task, c);
        return c;
    }

    /** Front end + backend compile of one task; touches no plan state, so loads may run on several threads. */
    private static Loaded load(GraphSpec graph, GraphSpec.Task task, Device dev, CompileOptions options) {
        long t0 = System.nanoTime();
        JitPhases.Timer timer = JitPhases.timer();
        String qname = task.qualifiedName(graph.name());
        KernelRef ref = task.kernel();
        int expected = ref.method().getParameterCount();
        if (expected != task.args().size()) {
            throw new TornadoRuntimeException("task " + qname + ": kernel " + ref.owner().getSimpleName() + "." + ref.methodName()
                    + " takes " + expected + " arguments, the task passes " + task.args().size());
        }
        KernelIR ir = KernelCompiler.frontEnd(ref);
        timer.lap(JitPhases.Phase.FRONT_END);
        LoadedKernel kernel = dev.compile(new CompileRequest(ref, ir, qname, options));
        return new Loaded(qname, ref, ir, kernel, System.nanoTime() - t0);
    }

    /** Binds the task's arguments (device buffers by residency): on the plan's thread only. */
    private CompiledTask withArguments(Loaded l, GraphSpec.Task task) {
        long t0 = System.nanoTime();
        KernelArg[] args = new KernelArg[task.args().size()];
        for (int i = 0; i < args.length; i++) args[i] = argument(l.qualifiedName(), i, task.args().get(i));
        return new CompiledTask(l.qualifiedName(), l.ref(), l.ir(), l.kernel(), l.compileNanos() + System.nanoTime() - t0, args);
    }

    private KernelArg argument(String qname, int index, Object value) {
        return switch (value) {
            case NativeArray a -> new KernelArg.Buffer(device.sharesHostMemory() ? null
                    : residency.of(a, device, label(qname, index, a)).buffer, a);
            case KernelContext k -> new KernelArg.Context(k);
            case Integer _, Long _, Float _, Double _, Short _, Byte _, Character _, Boolean _ -> new KernelArg.Scalar(value);
            default -> throw new TornadoRuntimeException("task " + qname + ": argument " + index + " is a " + value.getClass().getName()
                    + "; kernels take off-heap arrays (FloatArray, IntArray, ...), primitives and a KernelContext");
        };
    }

    private static String label(String qname, int index, NativeArray a) {
        return a + "@" + Integer.toHexString(System.identityHashCode(a)) + " (first used by " + qname + " arg " + index + ")";
    }

    /** One execution of every graph, in order. */
    public TornadoProfilerResult execute(boolean profile) {
        return execute(profile, graphs);
    }

    /** One execution of the named graph only (the plan's other graphs keep their resident buffers). */
    public TornadoProfilerResult execute(boolean profile, String graphName) {
        List<GraphSpec> selected = graphs.stream().filter(g -> g.name().equals(graphName)).toList();
        if (selected.isEmpty()) {
            throw new TornadoRuntimeException("no task graph '" + graphName + "' in this plan; it has "
                    + graphs.stream().map(GraphSpec::name).toList());
        }
        return execute(profile, selected);
    }

    private TornadoProfilerResult execute(boolean profile, List<GraphSpec> graphs) {
        checkOpen();
        long start = System.nanoTime();
        Device dev = device();
        Counters n = new Counters();
        List<TaskProfile> tasks = new ArrayList<>();
        List<LaunchEvent> events = new ArrayList<>();
        if (graphReplay && executedGraphs.containsAll(graphs)) return replayGraph(dev, graphs, start);
        try {
            runSteps(graphs, profile, n, tasks, events);
            dev.synchronize();
            for (int i = 0; i < tasks.size(); i++) {
                TaskProfile p = tasks.get(i);
                LaunchEvent e = events.get(i);
                long kernelNanos = e == null ? 0 : profile ? e.kernelNanos() : -1;
                tasks.set(i, new TaskProfile(p.task(), p.kernel(), kernelNanos, p.launchNanos(), p.compileNanos(), p.fromCache(), p.grid()));
            }
        } finally {
            for (LaunchEvent e : events) if (e != null) e.close();
        }
        executedGraphs.addAll(graphs);
        return new TornadoProfilerResult(dev.id(), List.copyOf(tasks), n.inCount, n.inBytes, n.inNanos, n.outCount,
                n.outBytes, n.outNanos, n.compileNanos, System.nanoTime() - start, residency.bytes());
    }

    private void runSteps(List<GraphSpec> graphs, boolean profile, Counters n, List<TaskProfile> tasks, List<LaunchEvent> events) {
        for (GraphSpec g : graphs) {
            for (GraphSpec.Step step : g.steps()) {
                switch (step) {
                    case GraphSpec.Transfer t when t.toDevice() -> copyIn(t, g, n);
                    case GraphSpec.Transfer t -> copyOut(t, g, n);
                    case GraphSpec.Task t -> launch(g, t, profile, n, tasks, events);
                }
            }
        }
    }

    /** withCUDAGraph: the second execution records every step once; every execution from then on replays it. */
    /** Told the size of every host→device copy as it completes (upload progress of large weights). */
    public void setTransferListener(java.util.function.LongConsumer listener) {
        transferListener = listener == null ? b -> {} : listener;
    }

    public void setGraphReplay(boolean on) {
        dropRecording();
        graphReplay = on;
    }

    private TornadoProfilerResult replayGraph(Device dev, List<GraphSpec> graphs, long start) {
        if (!(dev instanceof GraphReplayDevice replayer)) {
            throw new TornadoRuntimeException("withCUDAGraph(): device " + dev.id() + " cannot capture and replay graphs "
                    + "(only cuda devices can); remove withCUDAGraph() or select a cuda device");
        }
        List<String> names = graphs.stream().map(GraphSpec::name).toList();
        GraphReplayDevice.Recording recording = recordings.get(names);
        if (recording == null) {
            List<LaunchEvent> events = new ArrayList<>();
            String what = "plan " + names;
            recording = replayer.capture(what, () -> runSteps(graphs, false, new Counters(), new ArrayList<>(), events));
            for (LaunchEvent e : events) if (e != null) e.close();
            recordings.put(names, recording);
        }
        replayer.replay(recording);
        // one replay: per-task times are not observable inside a graph, only the whole step
        return new TornadoProfilerResult(dev.id(), List.of(), 0, 0, 0, 0, 0, 0, 0, System.nanoTime() - start, residency.bytes());
    }

    private void dropRecording() {
        for (GraphReplayDevice.Recording r : recordings.values()) r.close();
        recordings.clear();
    }

    private static final class Counters {
        int inCount, outCount;
        long inBytes, inNanos, outBytes, outNanos, compileNanos;
    }

    private void copyIn(GraphSpec.Transfer t, GraphSpec g, Counters n) {
        if (device.sharesHostMemory()) return;
        for (Object o : t.objects()) {
            NativeArray a = (NativeArray) o;
            ResidencyTable.Resident r = residency.of(a, device, a + "@" + Integer.toHexString(System.identityHashCode(a)) + " (transferToDevice of " + g.name() + ")");
            if (t.mode() == DataTransferMode.FIRST_EXECUTION && r.uploaded) continue;
            long t0 = System.nanoTime();
            device.copyIn(r.buffer, a.segment());
            n.inNanos += System.nanoTime() - t0;
            n.inCount++;
            n.inBytes += a.getNumBytes();
            r.uploaded = true;
            transferListener.accept(a.getNumBytes());
        }
    }

    private void copyOut(GraphSpec.Transfer t, GraphSpec g, Counters n) {
        if (device.sharesHostMemory()) return;
        if (t.mode() == DataTransferMode.UNDER_DEMAND) return;
        if (t.mode() == DataTransferMode.FIRST_EXECUTION && executedGraphs.contains(g)) return;
        for (Object o : t.objects()) copyOutOne((NativeArray) o, n);
    }

    private void copyOutOne(NativeArray a, Counters n) {
        ResidencyTable.Resident r = residency.find(a);
        if (r == null) {
            throw new TornadoRuntimeException("transferToHost of " + a + ": this plan never placed it on " + device.id()
                    + " (no task used it and no transferToDevice named it)");
        }
        long t0 = System.nanoTime();
        device.copyOut(a.segment(), r.buffer);
        n.outNanos += System.nanoTime() - t0;
        n.outCount++;
        n.outBytes += a.getNumBytes();
    }

    private void launch(GraphSpec g, GraphSpec.Task t, boolean profile, Counters n, List<TaskProfile> tasks, List<LaunchEvent> events) {
        boolean fresh = !compiled.containsKey(t);
        CompiledTask c = compile(g, t);
        long compileNanos = fresh ? c.compileNanos : 0;
        n.compileNanos += compileNanos;
        LaunchGrid grid = grid(c, t);
        String kernelName = c.kernel().name();
        if (grid == null) { // a parallel loop with no iteration: nothing to run
            tasks.add(new TaskProfile(c.qualifiedName, kernelName, 0, 0, compileNanos, c.kernel().fromCache(), "empty range, not launched"));
            events.add(null);
            return;
        }
        String warpProblem = c.ir().warpLaunchProblem(grid.global(), grid.local());
        if (warpProblem != null) {
            throw new TornadoRuntimeException("task " + c.qualifiedName + ": " + warpProblem);
        }
        long t0 = System.nanoTime();
        LaunchEvent e = device.launch(c.kernel(), c.args(), grid, profile);
        long launchNanos = System.nanoTime() - t0;
        events.add(e);
        tasks.add(new TaskProfile(c.qualifiedName, kernelName, -1, launchNanos, compileNanos, c.kernel().fromCache(), grid.toString()));
    }

    private LaunchGrid grid(CompiledTask c, GraphSpec.Task t) {
        WorkerGrid wg = grids == null ? null : grids.get(c.qualifiedName);
        if (wg != null) return GridPlanner.fromWorkerGrid(wg);
        if (c.ir().usesKernelContext()) {
            throw new TornadoRuntimeException("task " + c.qualifiedName + " (" + c.kernel().name() + ") uses KernelContext: give it a WorkerGrid "
                    + "with withGridScheduler(new GridScheduler(\"" + c.qualifiedName + "\", new WorkerGrid1D(n)))");
        }
        return GridPlanner.forParallel(c.ir(), t.args().toArray(), device.info());
    }

    /** UNDER_DEMAND (or any) copy back of arrays this plan holds on the device. */
    public TornadoProfilerResult transferToHost(Object... objects) {
        checkOpen();
        long start = System.nanoTime();
        Counters n = new Counters();
        if (!device().sharesHostMemory()) {
            for (Object o : objects) {
                if (!(o instanceof NativeArray a)) throw new IllegalArgumentException("transferToHost takes off-heap arrays, got " + o);
                copyOutOne(a, n);
            }
        }
        return new TornadoProfilerResult(device.id(), List.of(), 0, 0, 0, n.outCount, n.outBytes, n.outNanos, 0,
                System.nanoTime() - start, residency.bytes());
    }

    /** Device memory held by this plan's buffers. */
    public long deviceBytes() {
        return residency.bytes();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the execution plan is closed");
    }

    /** Frees the plan's device buffers. Compiled kernels stay in the device's cache for other plans. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        dropRecording();
        residency.freeAll();
        compiled.clear();
    }
}
