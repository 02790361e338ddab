package ai.kimitornado.tasks.runtime;

import java.util.Arrays;

/**
 * Launch geometry: {@code global[d]} work-items per dimension, {@code local[d]} per work-group, or
 * {@code local == null} to let the driver choose.
 */
public record LaunchGrid(long[] global, long[] local) {
    public LaunchGrid {
        if (global.length < 1 || global.length > 3) throw new IllegalArgumentException("1 to 3 dimensions, got " + global.length);
        if (local != null && local.length != global.length) throw new IllegalArgumentException("local and global dimensions differ");
    }

    public int dims() {
        return global.length;
    }

    @Override
    public String toString() {
        return "global=" + Arrays.toString(global) + " local=" + (local == null ? "driver's choice" : Arrays.toString(local));
    }
}
