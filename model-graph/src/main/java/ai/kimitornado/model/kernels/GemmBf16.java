package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Batched GEMM for prefill, bf16 weights widened while staging a tile:
 * <pre>  Y[t][r] = (accumulate ? Y[t][r] : 0) + Σ_k X[t][k] · W[r][k]      for t < count </pre>
 * Shapes: W [rows, cols] bf16 from element {@code wOffset}, X [C*cols], Y [C*rows].
 * Grid 2D: global (⌈rows/16⌉·16, ⌈C/16⌉·16), local (16, 16); localIdx = row in the tile, localIdy = token.
 * Each K step stages a 16×16 tile of W and of X in local memory (loads coalesced along k), so every weight
 * is read from global memory once per 16 tokens instead of once per token.
 */
public final class GemmBf16 {
    private GemmBf16() {
    }

    public static void gemm(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                            IntArray meta, int rows, int cols, int accumulate) {
        float[] wTile = ctx.allocateFloatLocalArray(KernelLimits.GEMM_TILE * KernelLimits.GEMM_TILE); // [row][k]
        float[] xTile = ctx.allocateFloatLocalArray(KernelLimits.GEMM_TILE * KernelLimits.GEMM_TILE); // [tok][k]
        int tile = KernelLimits.GEMM_TILE;
        int lx = ctx.localIdx;
        int ly = ctx.localIdy;
        int r0 = ctx.groupIdx * tile;
        int t0 = ctx.groupIdy * tile;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t0 >= count) {
            return; // uniform over the group: token tiles past the chunk's valid rows do nothing
        }
        float acc = 0f;
        for (int k0 = 0; k0 < cols; k0 += tile) {
            // thread (lx, ly) stages W[r0+ly][k0+lx] and X[t0+ly][k0+lx]: consecutive lx → consecutive k
            int k = k0 + lx;
            int wr = r0 + ly;
            int xt = t0 + ly;
            wTile[ly * tile + lx] = (wr < rows && k < cols) ? Bf16.widen(w.getBits(wOffset + wr * cols + k)) : 0f;
            xTile[ly * tile + lx] = (xt < count && k < cols) ? x.get(xt * cols + k) : 0f;
            ctx.localBarrier();
            for (int kk = 0; kk < tile; kk++) {
                acc += wTile[lx * tile + kk] * xTile[ly * tile + kk];
            }
            ctx.localBarrier();
        }
        int r = r0 + lx;
        int t = t0 + ly;
        if (r < rows && t < count) {
            int out = t * rows + r;
            float prior = accumulate != 0 ? y.get(out) : 0f;
            y.set(out, prior + acc);
        }
    }
}
