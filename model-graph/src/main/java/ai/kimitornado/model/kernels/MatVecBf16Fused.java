package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode projections that read the same input, in ONE launch ({@link MatVecBf16Rows} per matrix is the reference):
 * <pre>  y_m[r] = Σ_c W_m[r][c] · x[c]      m < 2 (MLA q_proj, kv_a) or m < 5 (KDA q, k, v, f_a, g_a) </pre>
 * The matrices' rows are laid end to end (rows0 | rows1 | …) and planned as one {@link RowGroups} grid, so the small
 * projections (f_a, g_a: 128 rows) ride along with the large ones instead of paying a launch and a nearly idle GPU
 * each. Shapes: W_m [rows_m, cols] bf16 (cols a multiple of 4); x [cols]; y_m [rows_m]. Token 0 only (decode).
 */
public final class MatVecBf16Fused {
    private MatVecBf16Fused() {
    }

    public static void project2(KernelContext ctx, BFloat16Array w0, FloatArray y0, int rows0,
                                BFloat16Array w1, FloatArray y1, int rows1,
                                FloatArray x, IntArray meta, int cols, int rowThreads) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int row = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        int quads = cols / 4;
        int r1 = row - rows0;
        float part = 0f;
        if (row < rows0) {
            part = RowDot.lanePart(w0, row * cols, x, 0, quads, lane, rowThreads);
        } else if (r1 < rows1) {
            part = RowDot.lanePart(w1, r1 * cols, x, 0, quads, lane, rowThreads);
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, part);
        if (lane == 0) {
            if (row < rows0) {
                y0.set(row, sum);
            } else if (r1 < rows1) {
                y1.set(r1, sum);
            }
        }
    }

    public static void project5(KernelContext ctx, BFloat16Array w0, FloatArray y0, int rows0,
                                BFloat16Array w1, FloatArray y1, int rows1,
                                BFloat16Array w2, FloatArray y2, int rows2,
                                BFloat16Array w3, FloatArray y3, int rows3,
                                BFloat16Array w4, FloatArray y4, int rows4,
                                FloatArray x, IntArray meta, int cols, int rowThreads) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int row = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        int quads = cols / 4;
        int r1 = row - rows0;
        int r2 = r1 - rows1;
        int r3 = r2 - rows2;
        int r4 = r3 - rows3;
        float part = 0f;
        if (row < rows0) {
            part = RowDot.lanePart(w0, row * cols, x, 0, quads, lane, rowThreads);
        } else if (r1 < rows1) {
            part = RowDot.lanePart(w1, r1 * cols, x, 0, quads, lane, rowThreads);
        } else if (r2 < rows2) {
            part = RowDot.lanePart(w2, r2 * cols, x, 0, quads, lane, rowThreads);
        } else if (r3 < rows3) {
            part = RowDot.lanePart(w3, r3 * cols, x, 0, quads, lane, rowThreads);
        } else if (r4 < rows4) {
            part = RowDot.lanePart(w4, r4 * cols, x, 0, quads, lane, rowThreads);
        }
        float sum = RowDot.rowSum(ctx, partial, lid, lane, rowThreads, part);
        if (lane == 0) {
            if (row < rows0) {
                y0.set(row, sum);
            } else if (r1 < rows1) {
                y1.set(r1, sum);
            } else if (r2 < rows2) {
                y2.set(r2, sum);
            } else if (r3 < rows3) {
                y3.set(r3, sum);
            } else if (r4 < rows4) {
                y4.set(r4, sum);
            }
        }
    }
}
