package ai.kimitornado.tasks.api;

/** A 3-dimensional {@link WorkerGrid}. */
public final class WorkerGrid3D extends WorkerGrid {
    public WorkerGrid3D(long x, long y, long z) {
        super(x, y, z);
    }
}
