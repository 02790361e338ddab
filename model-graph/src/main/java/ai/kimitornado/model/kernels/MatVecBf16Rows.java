package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode GEMV (one token), the fast variant of {@link MatVecBf16} (which stays the reference it is tested against):
 * <pre>  y[r] = (accumulate ? y[r] : 0) + Σ_c W[r][c] · x[c] </pre>
 * Shapes: W [rows, cols] bf16 row-major from element {@code wOffset}; x [cols]; y [rows]. {@code cols} and
 * {@code wOffset} multiples of 4 (quads of four bf16 = one 8-byte load), checked by the graph builder.
 * Grid ({@link RowGroups}): 1-D groups of {@code rowThreads · rowsPerGroup} work-items; each run of
 * {@code rowThreads} consecutive work-items owns one row (lanes stride over its quads, so a warp reads 256+
 * contiguous bytes per step), several rows per group so small rows still fill the group, and a two-barrier row
 * sum ({@link RowDot#rowSum}) instead of a log2(local) tree. Reads token 0 only: the decode graph has one token.
 */
public final class MatVecBf16Rows {
    private MatVecBf16Rows() {
    }

    public static void matVec(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                              IntArray meta, int rows, int cols, int accumulate, int rowThreads) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int row = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        float part = 0f;
        if (row < rows) {
            part = RowDot.lanePart(w, wOffset + row * cols, x, 0, cols / 4, lane, rowThreads);
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, part);
        if (row < rows && lane == 0) {
            float prior = accumulate != 0 ? y.get(row) : 0f;
            y.set(row, prior + sum);
        }
    }
}
