package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.runtime.CompileOptions;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import ai.kimitornado.tasks.runtime.GraphSpec;
import ai.kimitornado.tasks.runtime.PlanExecutor;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Executes one or more task graphs on one device. Arrays are resident by identity for the plan's
 * lifetime (one device buffer per array object, shared by all its graphs); {@link #close()} frees
 * them. Options are set with the {@code with*} methods before or between executions:
 * <pre>{@code
 * try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot())
 *         .withDevice("opencl:0:0").withProfiler()) {
 *     TornadoExecutionResult r = plan.execute();
 *     System.out.println(r.getProfilerResult());
 * }
 * }</pre>
 */
public final class TornadoExecutionPlan implements AutoCloseable {
    private final PlanExecutor executor;
    private ai.kimitornado.tasks.runtime.CompileReport lastCompile;
    private final List<String> graphNames;
    private boolean profile;

    public TornadoExecutionPlan(ImmutableTaskGraph... graphs) {
        List<GraphSpec> specs = Arrays.stream(graphs).map(ImmutableTaskGraph::spec).toList();
        long distinct = specs.stream().map(GraphSpec::name).distinct().count();
        if (distinct != specs.size()) throw new IllegalArgumentException("task graph names in one plan must differ");
        this.executor = new PlanExecutor(specs);
        this.graphNames = specs.stream().map(GraphSpec::name).toList();
    }

    /**
     * Replays the plan as a CUDA graph: the first {@code execute()} runs normally (compiles, FIRST_EXECUTION
     * uploads), the second records every copy and launch once, and every execution replays them with one
     * driver call. Per-task profiler times are then unavailable (the whole step is timed). Buffers,
     * kernels, grids and scalar arguments are frozen at capture; the plan must run on a cuda device.
     */
    public TornadoExecutionPlan withCUDAGraph() {
        executor.setGraphReplay(true);
        return this;
    }

    /** Back to plain launches (drops captured graphs); e.g. for a profiled run, where graphs hide per-task times. */
    /** {@code listener} gets the byte size of every host→device copy as it completes (progress of large uploads). */
    public TornadoExecutionPlan withTransferListener(java.util.function.LongConsumer listener) {
        executor.setTransferListener(listener);
        return this;
    }

    public TornadoExecutionPlan withoutCUDAGraph() {
        executor.setGraphReplay(false);
        return this;
    }

    /** Runs on this device (see {@link TornadoDevice#of}). */
    public TornadoExecutionPlan withDevice(TornadoDevice device) {
        executor.setDevice(device.device());
        return this;
    }

    /** Runs on the device with this id; an unknown id is an error listing the available ones. */
    public TornadoExecutionPlan withDevice(String id) {
        executor.setDevice(DeviceRegistry.get().device(id));
        return this;
    }

    public TornadoDevice getDevice() {
        return TornadoDevice.of(executor.device().id());
    }

    /** Launch geometry per "graph.task" (required for KernelContext kernels, optional for @Parallel ones). */
    public TornadoExecutionPlan withGridScheduler(GridScheduler scheduler) {
        executor.setGridScheduler(scheduler);
        return this;
    }

    /** Measures kernel times with device events (a profiling queue); otherwise kernel times are -1. */
    public TornadoExecutionPlan withProfiler() {
        this.profile = true;
        return this;
    }

    public TornadoExecutionPlan withoutProfiler() {
        this.profile = false;
        return this;
    }

    /** Prints each kernel's generated code to standard output when it is compiled. */
    public TornadoExecutionPlan withPrintKernel() {
        return withPrintKernel(System.out::println);
    }

    /** Sends each kernel's generated code to {@code sink} when it is compiled. */
    public TornadoExecutionPlan withPrintKernel(Consumer<String> sink) {
        executor.setCompileOptions(executor.compileOptions().withPrintKernel(sink));
        return this;
    }

    /**
     * Keeps built device binaries under {@code dir} (default {@code ~/.cache/kimi-tornado}) so that a
     * later process compiles nothing; null keeps them in memory only.
     */
    public TornadoExecutionPlan withKernelCacheDir(Path dir) {
        executor.setCompileOptions(executor.compileOptions().withKernelCacheDir(dir));
        return this;
    }

    /**
     * Rewrites generated source before the driver builds it. For tests and debugging (e.g. checking
     * that a driver build error is reported with its log); never needed in production.
     */
    public TornadoExecutionPlan withGeneratedSourceHook(UnaryOperator<String> hook) {
        executor.setCompileOptions(executor.compileOptions().withSourceHook(hook));
        return this;
    }

    /**
     * Compiles every task now, on the current device, so that the first execute() only runs. Kernels are loaded
     * several at a time (-Dkimi.jit.threads=N, default the cores up to 16); {@link #compileReport()} says how long it
     * took and where the time went.
     */
    public TornadoExecutionPlan withPreCompilation() {
        lastCompile = executor.compileAll();
        return this;
    }

    /** What the last {@link #withPreCompilation()} did, or null before it ran. */
    public ai.kimitornado.tasks.runtime.CompileReport compileReport() {
        return lastCompile;
    }

    /** Runs every graph once, in order. */
    public TornadoExecutionResult execute() {
        return new TornadoExecutionResult(executor, executor.execute(profile));
    }

    /**
     * Runs only the graph named {@code graphName} (TornadoVM's {@code withGraph(i).execute()}): graphs of one plan
     * share resident buffers, so e.g. a prefill graph and a decode graph can alternate over the same state.
     */
    public TornadoExecutionResult execute(String graphName) {
        return new TornadoExecutionResult(executor, executor.execute(profile, graphName));
    }

    public List<String> graphNames() {
        return graphNames;
    }

    /** Device memory this plan holds. */
    public long deviceMemoryBytes() {
        return executor.deviceBytes();
    }

    /** Frees the plan's device memory. */
    @Override
    public void close() {
        executor.close();
    }
}
