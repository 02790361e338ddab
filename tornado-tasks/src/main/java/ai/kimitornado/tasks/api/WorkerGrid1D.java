package ai.kimitornado.tasks.api;

/** A 1-dimensional {@link WorkerGrid}. */
public final class WorkerGrid1D extends WorkerGrid {
    public WorkerGrid1D(long x) {
        super(x);
    }
}
