package ai.kimitornado.model.kernels;

/**
 * Launch shape of the warp-per-row decode kernels ({@link MatVecBf16Warp}): 1-D work-groups of {@code local}
 * work-items (whole warps of {@link WarpRowDot#WARP}); each output row is owned by {@code rowWarps} consecutive warps
 * (a power of two) whose lanes stride over its quads, so a row sum is warp sums plus, for rowWarps > 1, one barrier.
 * Global size {@code groups · local}.
 */
public record WarpRows(int rowWarps, int local, int groups) {
    /** Fewer groups than this leave SMs idle on a large GPU (132 SMs × 8 resident groups ≈ 1056): split rows. */
    static final int TARGET_GROUPS = 1024;
    /** Work-group size of the warp row kernels: 8 warps. */
    public static final int LOCAL = 256;
    /** A lane keeps at least this many quads per row when rows are split over more warps. */
    static final int MIN_QUADS_PER_LANE = 2;

    public WarpRows {
        int warps = local / WarpRowDot.WARP;
        if (local % WarpRowDot.WARP != 0 || local > KernelLimits.MAX_LOCAL || rowWarps < 1
                || Integer.bitCount(rowWarps) != 1 || warps % rowWarps != 0 || groups < 1) {
            throw new IllegalArgumentException("WarpRows: " + rowWarps + " warps per row in groups of " + local
                    + " work-items: need whole warps, at most " + KernelLimits.MAX_LOCAL
                    + " work-items and a power-of-two warps per row dividing the group's warps");
        }
    }

    /**
     * Plan {@code rows} outputs of {@code quadsPerRow} quads in groups of {@code local}: one warp per row, doubled
     * (up to the group's warps) while the grid has fewer than {@link #TARGET_GROUPS} groups and each lane keeps
     * at least {@link #MIN_QUADS_PER_LANE} quads (router 256 rows: 8 warps per row, 256 groups; o_proj 2304 rows of
     * 1024 quads: 4 warps, 1152 groups; LM head: 1 warp, 20,480 groups).
     */
    public static WarpRows plan(int rows, int quadsPerRow, int local) {
        if (rows < 1 || quadsPerRow < 1 || local % WarpRowDot.WARP != 0 || local > KernelLimits.MAX_LOCAL) {
            throw new IllegalArgumentException("WarpRows.plan: rows " + rows + ", quads per row " + quadsPerRow
                    + ", local " + local + " (need ≥ 1 and whole warps, at most " + KernelLimits.MAX_LOCAL + ")");
        }
        int warps = local / WarpRowDot.WARP;
        int rowWarps = 1;
        while (rowWarps < warps && warps % (2 * rowWarps) == 0 && groupsFor(rows, warps / rowWarps) < TARGET_GROUPS
                && quadsPerRow >= MIN_QUADS_PER_LANE * WarpRowDot.WARP * 2 * rowWarps) {
            rowWarps *= 2;
        }
        return new WarpRows(rowWarps, local, groupsFor(rows, warps / rowWarps));
    }

    public int rowsPerGroup() {
        return local / WarpRowDot.WARP / rowWarps;
    }

    public long global() {
        return (long) groups * local;
    }

    private static int groupsFor(int rows, int rowsPerGroup) {
        return (rows + rowsPerGroup - 1) / rowsPerGroup;
    }
}
