package ai.kimitornado.tasks.api;

/** A 2-dimensional {@link WorkerGrid}. */
public final class WorkerGrid2D extends WorkerGrid {
    public WorkerGrid2D(long x, long y) {
        super(x, y);
    }
}
