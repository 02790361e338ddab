package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode GEMV (one token) with warps per row: the fast variant of {@link MatVecBf16Rows} / {@link MatVecBf16} (the
 * references it is tested against).
 * <pre>
 *   matVec:        y[r] = (accumulate ? y[r] : 0) + Σ_c W[r][c] · x[c]
 *   matVecNormed:  y[r] = inv · Σ_c W[r][c] · (n[c] · x[c]),   inv = 1 / sqrt(Σ x² / cols + eps)
 * </pre>
 * matVecNormed is {@link RmsNormRows} followed by the GEMV in one launch: every row's lanes read all of x anyway, so
 * they also sum x²; it also writes the normalized vector xn [cols] (as RmsNormRows would) for the kernels after it,
 * so the decode graph drops the separate norm launch (the MoE router: xn then feeds the expert gate/up rows).
 * Shapes: W [rows, cols] bf16 row-major from element {@code wOffset}; x [cols]; n [cols] bf16; y [rows]. cols and
 * wOffset multiples of 4. Grid ({@link WarpRows}): groups of whole warps, {@code rowWarps} warps per row, lanes
 * strided over the row's quads with eight (matVec) or four (matVecNormed) 8-byte loads in flight, warp sums (no
 * barrier on PTX) and one barrier to add the parts of a row split over several warps. Needs groups of ≥ 32
 * work-items (warp operations): not the JVM's single-item groups. Reads token 0 only: the decode graph has one token.
 */
public final class MatVecBf16Warp {
    private MatVecBf16Warp() {
    }

    public static void matVec(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                              IntArray meta, int rows, int cols, int accumulate, int rowWarps) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL / KernelContext.WARP_SIZE);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int warp = ctx.localIdx / KernelContext.WARP_SIZE;
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int part = warp & (rowWarps - 1);
        int row = ctx.groupIdx * (ctx.localGroupSizeX / (KernelContext.WARP_SIZE * rowWarps)) + warp / rowWarps;
        float s = 0f;
        if (row < rows) {
            s = WarpRowDot.lanePart8(w, wOffset + row * cols, x, cols / 4, part * KernelContext.WARP_SIZE + lane,
                    KernelContext.WARP_SIZE * rowWarps);
        }
        float total = WarpRowDot.rowTotal(ctx, partial, warp, part, rowWarps, s);
        if (row < rows && part == 0 && lane == 0) {
            float prior = accumulate != 0 ? y.get(row) : 0f;
            y.set(row, prior + total);
        }
    }

    public static void matVecNormed(KernelContext ctx, BFloat16Array w, FloatArray x, BFloat16Array norm, FloatArray y,
                                    FloatArray xn, IntArray meta, int rows, int cols, float eps, int rowWarps) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL / KernelContext.WARP_SIZE);
        float[] partialSq = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL / KernelContext.WARP_SIZE);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int warp = ctx.localIdx / KernelContext.WARP_SIZE;
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int part = warp & (rowWarps - 1);
        int row = ctx.groupIdx * (ctx.localGroupSizeX / (KernelContext.WARP_SIZE * rowWarps)) + warp / rowWarps;
        int first = part * KernelContext.WARP_SIZE + lane;
        int stride = KernelContext.WARP_SIZE * rowWarps;
        float s = 0f;
        float sq = 0f;
        if (row < rows) {
            s = WarpRowDot.lanePartScaled(w, row * cols, x, norm, cols / 4, first, stride);
            sq = WarpRowDot.laneSumSquares(x, cols / 4, first, stride);
        }
        float total = WarpRowDot.rowTotal(ctx, partial, warp, part, rowWarps, s);
        float sumSquares = WarpRowDot.rowTotal(ctx, partialSq, warp, part, rowWarps, sq);
        if (row < rows && part == 0 && lane == 0) {
            y.set(row, total * WarpRowDot.inverseRms(sumSquares, cols, eps));
        }
        // the normalized vector for the next kernels (RmsNormRows' formula), a grid-stride slice per work-item; Σx²
        // of the group's first row (always a real row), whose parts sit in partialSq[0 .. rowWarps) after the barrier
        float firstRowSq = 0f;
        for (int k = 0; k < rowWarps; k++) {
            firstRowSq += partialSq[k];
        }
        float inv = WarpRowDot.inverseRms(firstRowSq, cols, eps);
        for (int c = ctx.groupIdx * ctx.localGroupSizeX + ctx.localIdx; c < cols; c += ctx.globalGroupSizeX) {
            xn.set(c, Bf16.widen(norm.getBits(c)) * (x.get(c) * inv));
        }
    }
}
