package ai.kimitornado.tasks.api;

import java.util.Arrays;

/**
 * Launch geometry of one task: global work-items per dimension and, optionally, the work-group
 * (local) size. Mutable, as in TornadoVM, so that a plan can be re-executed with a new size.
 */
public abstract sealed class WorkerGrid permits WorkerGrid1D, WorkerGrid2D, WorkerGrid3D {
    private final long[] global;
    private long[] local; // null: the driver chooses

    WorkerGrid(long... global) {
        for (long g : global) if (g < 1) throw new IllegalArgumentException("global sizes must be >= 1, got " + Arrays.toString(global));
        this.global = global.clone();
    }

    public final int dimensions() {
        return global.length;
    }

    /** Sets the global sizes (as many as the grid has dimensions). */
    public final WorkerGrid setGlobalWork(long... sizes) {
        checkDims(sizes);
        for (long g : sizes) if (g < 1) throw new IllegalArgumentException("global sizes must be >= 1, got " + Arrays.toString(sizes));
        System.arraycopy(sizes, 0, global, 0, global.length);
        return this;
    }

    /** Sets the work-group size (as many values as the grid has dimensions). */
    public final WorkerGrid setLocalWork(long... sizes) {
        checkDims(sizes);
        for (long l : sizes) if (l < 1) throw new IllegalArgumentException("local sizes must be >= 1, got " + Arrays.toString(sizes));
        this.local = sizes.clone();
        return this;
    }

    /** Lets the driver choose the work-group size. */
    public final WorkerGrid setLocalWorkToNull() {
        this.local = null;
        return this;
    }

    public final long[] getGlobalWork() {
        return global.clone();
    }

    /** The work-group size, or null when the driver chooses. */
    public final long[] getLocalWork() {
        return local == null ? null : local.clone();
    }

    private void checkDims(long[] sizes) {
        if (sizes.length != global.length) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " takes " + global.length + " sizes, got " + sizes.length);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(global=" + Arrays.toString(global) + ", local=" + (local == null ? "driver" : Arrays.toString(local)) + ")";
    }
}
