package ai.kimitornado.model.graph;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoDevice;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoExecutionResult;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.api.WorkerGrid2D;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs forward graphs through the tornado-tasks runtime: every {@link ForwardGraph} becomes a {@link TaskGraph}
 * of one {@link TornadoExecutionPlan}, so arrays shared by the prefill and decode graphs (weights, sequence state,
 * buffers) are one device buffer each (residency by identity). Weights go up once (FIRST_EXECUTION), token ids and
 * meta every execution, the sampled id comes back every execution, logits and hidden capture on demand.
 */
public final class RuntimeGraphExecutor implements GraphExecutor {
    private final TornadoDevice device;
    private TornadoExecutionPlan plan;
    private TornadoExecutionResult last;
    private boolean cudaGraphs = true;
    private java.util.function.LongConsumer uploadListener = b -> {};
    private boolean profiling;
    private boolean customCacheDir; // false: the runtime's default kernel cache directory
    private Path kernelCacheDir;
    private Consumer<TornadoProfilerResult> profileListener = r -> {};

    private RuntimeGraphExecutor(TornadoDevice device) {
        this.device = device;
    }

    /**
     * As {@link #on(String)}, with the JIT's disk kernel cache under {@code kernelCacheDir} (null: memory only);
     * {@code bench} uses an empty directory to measure cold compiles and then the filled one for cached compiles.
     */
    public static RuntimeGraphExecutor on(String deviceId, Path kernelCacheDir) {
        RuntimeGraphExecutor e = on(deviceId);
        e.customCacheDir = true;
        e.kernelCacheDir = kernelCacheDir;
        return e;
    }

    /** Device-event kernel times in the profiler results from now on (off: kernel times are -1). */
    public void setProfiling(boolean on) {
        profiling = on;
        if (plan != null) {
            if (on) plan.withProfiler(); else plan.withoutProfiler();
            applyGraphReplay();
        }
    }

    /**
     * On cuda devices each graph (prefill chunk, decode step) is captured as a CUDA graph on its second
     * execution and replayed with one launch from then on (default on); per-step values live in device buffers
     * (tokens, meta), so the captured launches stay valid. Profiled runs launch plainly: a replayed graph has no
     * per-task times.
     */
    public void setCudaGraphs(boolean on) {
        cudaGraphs = on;
        if (plan != null) applyGraphReplay();
    }

    /** Whether executions are replayed from captured CUDA graphs. */
    public boolean usesCudaGraphs() {
        return cudaGraphs && !profiling && device.getId().startsWith("cuda:");
    }

    private void applyGraphReplay() {
        if (usesCudaGraphs()) plan.withCUDAGraph(); else plan.withoutCUDAGraph();
    }

    /** Receives the profiler result of every execute (prefill runs one execute per chunk). */
    public void setProfileListener(Consumer<TornadoProfilerResult> listener) {
        profileListener = listener == null ? r -> {} : listener;
    }

    /** The profiler result of the last execute, or null before the first one. */
    public TornadoProfilerResult lastProfile() {
        return last == null ? null : last.getProfilerResult();
    }

    /** The device with this runtime id ({@code java}, {@code opencl:P:D}, ...); unknown ids fail listing the known ones. */
    public static RuntimeGraphExecutor on(String deviceId) {
        return new RuntimeGraphExecutor(TornadoDevice.of(deviceId));
    }

    @Override
    public void prepare(List<ForwardGraph> graphs) {
        GridScheduler grids = new GridScheduler();
        var snapshots = new ai.kimitornado.tasks.api.ImmutableTaskGraph[graphs.size()];
        for (int i = 0; i < graphs.size(); i++) {
            ForwardGraph g = graphs.get(i);
            TaskGraph tg = new TaskGraph(g.name())
                    .transferToDevice(DataTransferMode.FIRST_EXECUTION, g.uploadOnce().toArray())
                    .transferToDevice(DataTransferMode.EVERY_EXECUTION, g.perStepInputs().toArray());
            for (KernelLaunch launch : g.launches()) {
                tg.task(launch.name(), launch.kernel(), launch.args());
                grids.addWorkerGrid(g.name() + "." + launch.name(), grid(launch));
            }
            tg.transferToHost(DataTransferMode.EVERY_EXECUTION, g.perStepOutputs().toArray())
                    .transferToHost(DataTransferMode.UNDER_DEMAND, g.onDemand().toArray());
            snapshots[i] = tg.snapshot();
        }
        plan = new TornadoExecutionPlan(snapshots).withDevice(device).withGridScheduler(grids);
        if (customCacheDir) plan.withKernelCacheDir(kernelCacheDir);
        if (profiling) plan.withProfiler();
        if (usesCudaGraphs()) plan.withCUDAGraph();
        plan.withTransferListener(uploadListener);
        // every kernel of every graph now, several at a time (a lazy compile at first launch loads one after another)
        plan.withPreCompilation();
    }

    /** How the kernels of the prepared graphs were compiled or loaded from the caches (null before prepare). */
    public ai.kimitornado.tasks.runtime.CompileReport compileReport() {
        return plan == null ? null : plan.compileReport();
    }

    /** Receives the size of every host→device copy (the weights go up during the first execution). */
    public void setUploadListener(java.util.function.LongConsumer listener) {
        uploadListener = listener == null ? b -> {} : listener;
        if (plan != null) plan.withTransferListener(uploadListener);
    }

    private static WorkerGrid grid(KernelLaunch launch) {
        long[] g = launch.global();
        long[] l = launch.local();
        return g.length == 1
                ? new WorkerGrid1D(g[0]).setLocalWork(l[0])
                : new WorkerGrid2D(g[0], g[1]).setLocalWork(l[0], l[1]);
    }

    @Override
    public void execute(ForwardGraph graph) {
        last = plan.execute(graph.name());
        profileListener.accept(last.getProfilerResult());
    }

    @Override
    public void download(NativeArray... arrays) {
        if (last == null) {
            throw new IllegalStateException("RuntimeGraphExecutor.download: nothing has executed yet on " + deviceId());
        }
        last.transferToHost((Object[]) arrays);
    }

    @Override
    public String deviceId() {
        return device.getId();
    }

    @Override
    public int maxWorkGroupSize() {
        DeviceInfo info = device.info();
        if ("java".equals(info.backend())) {
            return 1; // each work-item of a barrier-using group is a JVM thread: single-item groups are far cheaper
        }
        long limit = Math.min(256, info.maxWorkGroupSize() > 0 ? info.maxWorkGroupSize() : 256);
        return Integer.highestOneBit((int) limit);
    }

    @Override
    public boolean nativeMmaBf16() {
        return device.info().nativeMmaBf16();
    }

    @Override
    public boolean nativeWarpShuffles() {
        return device.info().nativeWarpShuffles();
    }

    @Override
    public long deviceMemoryBytes() {
        DeviceInfo info = device.info();
        return "java".equals(info.backend()) ? 0 : info.globalMemBytes();
    }

    @Override
    public void close() {
        if (plan != null) {
            plan.close();
        }
    }
}
