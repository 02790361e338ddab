package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.LocalGrid;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.List;

/**
 * Test-only executor: runs every launch of a graph on the JVM through {@link LocalGrid} (work-items as virtual
 * threads with real barriers), on the host arrays themselves — the engine's graph logic checked independently
 * of any runtime backend.
 */
final class LocalGraphExecutor implements GraphExecutor {
    @Override
    public void prepare(List<ForwardGraph> graphs) {
    }

    @Override
    public void execute(ForwardGraph graph) {
        for (KernelLaunch launch : graph.launches()) {
            LocalGrid.launch(launch.kernel(), launch.global(), launch.local(), launch.args());
        }
    }

    @Override
    public void download(NativeArray... arrays) {
    }

    @Override
    public String deviceId() {
        return "local-grid (test harness)";
    }

    /**
     * Single-work-item groups run on the calling thread: fast enough to push whole prompts through the graphs.
     * Multi-item groups (barriers, local-memory reductions) are covered by the per-kernel tests.
     */
    @Override
    public int maxWorkGroupSize() {
        return 1;
    }

    @Override
    public long deviceMemoryBytes() {
        return 0;
    }

    @Override
    public void close() {
    }
}
