package ai.kimitornado.model.kernels;

/**
 * Launch shape of the decode row kernels ({@link MatVecBf16Rows}, {@link MoeExpertsGateUpRows},
 * {@link MoeExpertsDownRows}): a 1-D work-group of {@code rowThreads · rowsPerGroup} work-items, each run of
 * {@code rowThreads} consecutive work-items (one or more whole warps on GPUs) computing one output row.
 * Global size {@code groups · local}.
 */
public record RowGroups(int rowThreads, int rowsPerGroup, int groups) {
    /** Fewer groups than this leave SMs idle on a large GPU (132 SMs × 8 resident groups ≈ 1056): widen the rows. */
    static final int TARGET_GROUPS = 1024;
    /** Work-items per row to start from: 64 lanes × 8-byte loads = 512 bytes of a row per step. */
    static final int DEFAULT_ROW_THREADS = 64;

    public RowGroups {
        if (rowThreads < 1 || Integer.bitCount(rowThreads) != 1 || rowsPerGroup < 1
                || rowThreads * rowsPerGroup > KernelLimits.MAX_LOCAL || groups < 1) {
            throw new IllegalArgumentException("RowGroups: " + rowThreads + " work-items per row × " + rowsPerGroup
                    + " rows must be a power of two per row and at most " + KernelLimits.MAX_LOCAL + " per group");
        }
    }

    /**
     * Plan {@code rows} outputs, each a dot over {@code quadsPerRow} groups of four bf16 (so no lane of a row idles),
     * in work-groups of {@code local} work-items (a power of two ≤ {@link KernelLimits#MAX_LOCAL}, 1 on the JVM).
     * Starts at {@link #DEFAULT_ROW_THREADS} work-items per row and doubles them while that still leaves fewer than
     * {@link #TARGET_GROUPS} groups (small projections: 128 rows get 256 work-items each, 128 groups).
     */
    public static RowGroups plan(int rows, int quadsPerRow, int local) {
        return plan(rows, quadsPerRow, local, TARGET_GROUPS);
    }

    /** {@link #plan(int, int, int)} with another group target (an A/B knob for the bench: fewer, longer groups). */
    public static RowGroups plan(int rows, int quadsPerRow, int local, int targetGroups) {
        if (rows < 1 || quadsPerRow < 1 || local < 1 || local > KernelLimits.MAX_LOCAL || Integer.bitCount(local) != 1) {
            throw new IllegalArgumentException("RowGroups.plan: rows " + rows + ", quads per row " + quadsPerRow
                    + ", local " + local + " (need ≥ 1 and a power-of-two local ≤ " + KernelLimits.MAX_LOCAL + ")");
        }
        int laneCap = Math.min(local, Integer.highestOneBit(quadsPerRow));
        int rowThreads = Math.min(DEFAULT_ROW_THREADS, laneCap);
        while (rowThreads < laneCap && groupsFor(rows, local / rowThreads) < targetGroups) {
            rowThreads *= 2;
        }
        int rowsPerGroup = local / rowThreads;
        return new RowGroups(rowThreads, rowsPerGroup, groupsFor(rows, rowsPerGroup));
    }

    public int local() {
        return rowThreads * rowsPerGroup;
    }

    public long global() {
        return (long) groups * local();
    }

    private static int groupsFor(int rows, int rowsPerGroup) {
        return (rows + rowsPerGroup - 1) / rowsPerGroup;
    }
}
