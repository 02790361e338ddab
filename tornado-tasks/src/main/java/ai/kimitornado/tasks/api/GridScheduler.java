package ai.kimitornado.tasks.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** Worker grids by task, keyed {@code "graphName.taskName"}. */
public final class GridScheduler {
    private final Map<String, WorkerGrid> grids = new LinkedHashMap<>();

    public GridScheduler() {}

    public GridScheduler(String graphDotTask, WorkerGrid grid) {
        addWorkerGrid(graphDotTask, grid);
    }

    public GridScheduler addWorkerGrid(String graphDotTask, WorkerGrid grid) {
        if (!graphDotTask.contains(".")) {
            throw new IllegalArgumentException("grid key must be \"graph.task\", got \"" + graphDotTask + "\"");
        }
        grids.put(graphDotTask, grid);
        return this;
    }

    /** The grid for {@code graph.task}, or null. */
    public WorkerGrid get(String graphDotTask) {
        return grids.get(graphDotTask);
    }

    public Map<String, WorkerGrid> all() {
        return Map.copyOf(grids);
    }
}
