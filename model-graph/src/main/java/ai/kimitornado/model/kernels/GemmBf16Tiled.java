package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Register-blocked batched GEMM for prefill projections (the fast variant of {@link GemmBf16}, same contract):
 * <pre>  Y[t][r] = (accumulate ? Y[t][r] : 0) + Σ_k X[t][k] · W[r][k]      for t < count </pre>
 * Shapes: W [rows, cols] bf16 from element {@code wOffset}, X [C*cols], Y [C*rows].
 * Grid 2D: global (⌈rows/128⌉·256, ⌈C/64⌉), local (256, 1): one work-group per 128-row × 64-token output tile.
 * Each work-item holds 8 rows × 4 tokens of the tile in registers (rows tr + 16i, tokens tt + 16j with
 * tr = lid % 16, tt = lid / 16), so one K step of the inner loop is 12 local-memory reads for 32 FMAs.
 * K steps of 16: the step's W slice (128 × 16, widened from bf16) and X slice (64 × 16) are staged in local
 * memory, k-major and padded so that the staging stores hit at most 2 banks per address and the inner loop's
 * reads are conflict-free (W: 16 consecutive floats per warp; X: broadcast). Global loads are coalesced along k
 * (16 consecutive work-items read 16 consecutive elements of one row) and are issued for step s+1 before the
 * FMAs of step s, so their latency hides behind the arithmetic. Explicit {@code Math.fma}: the JIT emits plain
 * {@code a*b+c} as a rounded multiply and a rounded add (Java forbids contraction), twice the instructions.
 * Rows, columns and tokens need not be multiples of the tile: out-of-range W/X elements stage as 0 and
 * out-of-range outputs are not written. Weights are read once per 64 tokens (GemmBf16: once per 16).
 */
public final class GemmBf16Tiled {
    private GemmBf16Tiled() {
    }

    /** Output rows (weight rows) per work-group. */
    public static final int TILE_ROWS = 128;
    /** Tokens per work-group. */
    public static final int TILE_TOKENS = 64;
    /** Work-items per work-group. */
    public static final int THREADS = 256;
    private static final int TILE_K = 16;
    private static final int W_STRIDE = TILE_ROWS + 4; // k-major rows of the staged W slice, padded
    private static final int X_STRIDE = TILE_TOKENS + 4;

    public static void gemm(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                            IntArray meta, int rows, int cols, int accumulate) {
        float[] wTile = ctx.allocateFloatLocalArray(TILE_K * W_STRIDE);  // [k][row] of the current K step
        float[] xTile = ctx.allocateFloatLocalArray(TILE_K * X_STRIDE);  // [k][token]
        int lid = ctx.localIdx;
        int r0 = ctx.groupIdx * TILE_ROWS;
        int t0 = ctx.groupIdy * TILE_TOKENS;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t0 >= count) {
            return; // uniform over the group: token tiles past the chunk's valid rows do nothing
        }
        // staging role: element k0 + sk of rows r0 + sr + 16p (p < 8) and of tokens t0 + sr + 16p (p < 4)
        int sk = lid & 15;
        int sr = lid >> 4;
        // compute role: rows r0 + tr + 16i (i < 8), tokens t0 + tt + 16j (j < 4)
        int tr = lid & 15;
        int tt = lid >> 4;

        float w0 = weight(w, wOffset, rows, cols, r0 + sr, sk);
        float w1 = weight(w, wOffset, rows, cols, r0 + sr + 16, sk);
        float w2 = weight(w, wOffset, rows, cols, r0 + sr + 32, sk);
        float w3 = weight(w, wOffset, rows, cols, r0 + sr + 48, sk);
        float w4 = weight(w, wOffset, rows, cols, r0 + sr + 64, sk);
        float w5 = weight(w, wOffset, rows, cols, r0 + sr + 80, sk);
        float w6 = weight(w, wOffset, rows, cols, r0 + sr + 96, sk);
        float w7 = weight(w, wOffset, rows, cols, r0 + sr + 112, sk);
        float x0 = input(x, count, cols, t0 + sr, sk);
        float x1 = input(x, count, cols, t0 + sr + 16, sk);
        float x2 = input(x, count, cols, t0 + sr + 32, sk);
        float x3 = input(x, count, cols, t0 + sr + 48, sk);

        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f;
        float a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f;
        float a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f;
        float a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f;
        float a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;

        for (int k0 = 0; k0 < cols; k0 += TILE_K) {
            int ws = sk * W_STRIDE + sr;
            wTile[ws] = w0;
            wTile[ws + 16] = w1;
            wTile[ws + 32] = w2;
            wTile[ws + 48] = w3;
            wTile[ws + 64] = w4;
            wTile[ws + 80] = w5;
            wTile[ws + 96] = w6;
            wTile[ws + 112] = w7;
            int xs = sk * X_STRIDE + sr;
            xTile[xs] = x0;
            xTile[xs + 16] = x1;
            xTile[xs + 32] = x2;
            xTile[xs + 48] = x3;
            ctx.localBarrier();
            // prefetch the next K step into registers while this one computes (0 past the last column)
            int kn = k0 + TILE_K + sk;
            w0 = weight(w, wOffset, rows, cols, r0 + sr, kn);
            w1 = weight(w, wOffset, rows, cols, r0 + sr + 16, kn);
            w2 = weight(w, wOffset, rows, cols, r0 + sr + 32, kn);
            w3 = weight(w, wOffset, rows, cols, r0 + sr + 48, kn);
            w4 = weight(w, wOffset, rows, cols, r0 + sr + 64, kn);
            w5 = weight(w, wOffset, rows, cols, r0 + sr + 80, kn);
            w6 = weight(w, wOffset, rows, cols, r0 + sr + 96, kn);
            w7 = weight(w, wOffset, rows, cols, r0 + sr + 112, kn);
            x0 = input(x, count, cols, t0 + sr, kn);
            x1 = input(x, count, cols, t0 + sr + 16, kn);
            x2 = input(x, count, cols, t0 + sr + 32, kn);
            x3 = input(x, count, cols, t0 + sr + 48, kn);
            for (int kk = 0; kk < TILE_K; kk++) {
                int wb = kk * W_STRIDE + tr;
                float b0 = wTile[wb];
                float b1 = wTile[wb + 16];
                float b2 = wTile[wb + 32];
                float b3 = wTile[wb + 48];
                float b4 = wTile[wb + 64];
                float b5 = wTile[wb + 80];
                float b6 = wTile[wb + 96];
                float b7 = wTile[wb + 112];
                int xb = kk * X_STRIDE + tt;
                float c0 = xTile[xb];
                float c1 = xTile[xb + 16];
                float c2 = xTile[xb + 32];
                float c3 = xTile[xb + 48];
                a00 = Math.fma(b0, c0, a00); a01 = Math.fma(b0, c1, a01); a02 = Math.fma(b0, c2, a02); a03 = Math.fma(b0, c3, a03);
                a10 = Math.fma(b1, c0, a10); a11 = Math.fma(b1, c1, a11); a12 = Math.fma(b1, c2, a12); a13 = Math.fma(b1, c3, a13);
                a20 = Math.fma(b2, c0, a20); a21 = Math.fma(b2, c1, a21); a22 = Math.fma(b2, c2, a22); a23 = Math.fma(b2, c3, a23);
                a30 = Math.fma(b3, c0, a30); a31 = Math.fma(b3, c1, a31); a32 = Math.fma(b3, c2, a32); a33 = Math.fma(b3, c3, a33);
                a40 = Math.fma(b4, c0, a40); a41 = Math.fma(b4, c1, a41); a42 = Math.fma(b4, c2, a42); a43 = Math.fma(b4, c3, a43);
                a50 = Math.fma(b5, c0, a50); a51 = Math.fma(b5, c1, a51); a52 = Math.fma(b5, c2, a52); a53 = Math.fma(b5, c3, a53);
                a60 = Math.fma(b6, c0, a60); a61 = Math.fma(b6, c1, a61); a62 = Math.fma(b6, c2, a62); a63 = Math.fma(b6, c3, a63);
                a70 = Math.fma(b7, c0, a70); a71 = Math.fma(b7, c1, a71); a72 = Math.fma(b7, c2, a72); a73 = Math.fma(b7, c3, a73);
            }
            ctx.localBarrier();
        }
        int r = r0 + tr;
        store(y, rows, count, accumulate, r, t0 + tt, a00, a10, a20, a30, a40, a50, a60, a70);
        store(y, rows, count, accumulate, r, t0 + tt + 16, a01, a11, a21, a31, a41, a51, a61, a71);
        store(y, rows, count, accumulate, r, t0 + tt + 32, a02, a12, a22, a32, a42, a52, a62, a72);
        store(y, rows, count, accumulate, r, t0 + tt + 48, a03, a13, a23, a33, a43, a53, a63, a73);
    }

    /** W[r][k] widened, or 0 outside the matrix (a partial tile). */
    private static float weight(BFloat16Array w, int wOffset, int rows, int cols, int r, int k) {
        return r < rows && k < cols ? Bf16.widen(w.getBits(wOffset + r * cols + k)) : 0f;
    }

    /** X[t][k], or 0 past the chunk's valid tokens or the last column. */
    private static float input(FloatArray x, int count, int cols, int t, int k) {
        return t < count && k < cols ? x.get(t * cols + k) : 0f;
    }

    /** Token t's outputs of rows r + 16i (i < 8), skipping those outside the matrix or the chunk. */
    private static void store(FloatArray y, int rows, int count, int accumulate, int r, int t,
                              float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        if (t < count) {
            int base = t * rows + r;
            put(y, rows, accumulate, r, base, v0);
            put(y, rows, accumulate, r + 16, base + 16, v1);
            put(y, rows, accumulate, r + 32, base + 32, v2);
            put(y, rows, accumulate, r + 48, base + 48, v3);
            put(y, rows, accumulate, r + 64, base + 64, v4);
            put(y, rows, accumulate, r + 80, base + 80, v5);
            put(y, rows, accumulate, r + 96, base + 96, v6);
            put(y, rows, accumulate, r + 112, base + 112, v7);
        }
    }

    private static void put(FloatArray y, int rows, int accumulate, int r, int out, float v) {
        if (r < rows) {
            y.set(out, accumulate != 0 ? y.get(out) + v : v);
        }
    }
}
