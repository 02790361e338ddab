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
 * Each work-item holds 8 rows × 4 tokens of the tile in registers: row pairs 2·tr + 32p (+1) and token pairs
 * 2·tt + 32q (+1), tr = lid % 16, tt = lid / 16. K steps of 16: the step's W slice (128 × 16, widened from bf16)
 * and X slice (64 × 16) are staged in local memory k-major as <em>pairs</em> of floats packed in a long, so one
 * k of the inner loop is 6 eight-byte local reads (4 W pairs: 16 consecutive longs per warp, conflict-free; 2 X
 * pairs: broadcast) for 32 FMAs — the JIT has no vector local loads, and with 4-byte reads (12 per 32 FMAs) the
 * loop is bound by local-memory issue, not by the FMA pipes. The packed halves are plain register halves for
 * ptxas (shift by 32 + convert). Global loads are coalesced along k (16 consecutive work-items read 16
 * consecutive elements of one row) and are issued for step s+1 before the FMAs of step s, so their latency hides
 * behind the arithmetic. Explicit {@code Math.fma}: the JIT emits {@code a*b+c} as a rounded multiply and a
 * rounded add (Java forbids contraction), twice the instructions.
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
    private static final int W_PAIRS = TILE_ROWS / 2 + 1;   // longs per k of the staged W slice (64 pairs, padded)
    private static final int X_PAIRS = TILE_TOKENS / 2 + 1; // longs per k of the staged X slice (32 pairs, padded)

    public static void gemm(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                            IntArray meta, int rows, int cols, int accumulate) {
        long[] wTile = ctx.allocateLongLocalArray(TILE_K * W_PAIRS);  // [k][row pair] of the current K step
        long[] xTile = ctx.allocateLongLocalArray(TILE_K * X_PAIRS);  // [k][token pair]
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return; // uniform over the group: token tiles past the chunk's valid rows do nothing
        }
        tile(ctx, wTile, xTile, w, wOffset, x, y, 0, meta, rows, cols, accumulate, ctx.groupIdx, 0, cols);
    }

    /**
     * Split-K partial products for grids with too few output tiles to fill the GPU (small row counts, short
     * chunks): group x = rowTile + ⌈rows/128⌉·s covers columns [s·kSlice, min(cols, (s+1)·kSlice)) and writes
     * {@code partial[s·sliceStride + t·rows + r]} (no accumulate); {@link GemmSplitKSum} adds the slices in a fixed
     * order (no atomics: the same sums on every run). kSlice is a multiple of 16.
     * Grid: global (⌈rows/128⌉·splits·256, ⌈C/64⌉), local (256, 1). partial [splits * sliceStride], sliceStride ≥ C*rows.
     */
    public static void gemmSplitK(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray partial,
                                  IntArray meta, int rows, int cols, int kSlice, int sliceStride) {
        long[] wTile = ctx.allocateLongLocalArray(TILE_K * W_PAIRS);
        long[] xTile = ctx.allocateLongLocalArray(TILE_K * X_PAIRS);
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return;
        }
        int rowTiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        int slice = ctx.groupIdx / rowTiles;
        int kBegin = slice * kSlice;
        tile(ctx, wTile, xTile, w, wOffset, x, partial, slice * sliceStride, meta, rows, Math.min(cols, kBegin + kSlice), 0,
                ctx.groupIdx - slice * rowTiles, kBegin, cols);
    }

    /**
     * One 128-row × 64-token output tile over columns [kBegin, kEnd): out[outBase + t·rows + r] (+)= Σ_k X·W.
     * {@code cols} is W's row length (the stride); {@code kEnd ≤ cols} bounds the sum.
     */
    private static void tile(KernelContext ctx, long[] wTile, long[] xTile, BFloat16Array w, int wOffset, FloatArray x,
                             FloatArray y, int outBase, IntArray meta, int rows, int kEnd, int accumulate, int rowTile,
                             int kBegin, int cols) {
        int lid = ctx.localIdx;
        int r0 = rowTile * TILE_ROWS;
        int t0 = ctx.groupIdy * TILE_TOKENS;
        int count = meta.get(KernelLimits.META_COUNT);
        // staging role: element k0 + sk of row pairs sp + 16p (p < 4) and token pairs sp + 16q (q < 2)
        int sk = lid & 15;
        int sp = lid >> 4;
        int sr = r0 + 2 * sp;   // first row of the work-item's first staged pair
        int st = t0 + 2 * sp;   // first token of its first staged pair
        // compute role: row pairs tr + 16p (rows r0 + 2tr + 32p, +1), token pairs tt + 16q (t0 + 2tt + 32q, +1)
        int tr = lid & 15;
        int tt = lid >> 4;

        int k = kBegin + sk;
        long w0 = weightPair(w, wOffset, rows, cols, kEnd, sr, k);
        long w1 = weightPair(w, wOffset, rows, cols, kEnd, sr + 32, k);
        long w2 = weightPair(w, wOffset, rows, cols, kEnd, sr + 64, k);
        long w3 = weightPair(w, wOffset, rows, cols, kEnd, sr + 96, k);
        long x0 = inputPair(x, count, cols, kEnd, st, k);
        long x1 = inputPair(x, count, cols, kEnd, st + 32, k);

        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f;
        float a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f;
        float a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f;
        float a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f;
        float a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;

        for (int k0 = kBegin; k0 < kEnd; k0 += TILE_K) {
            int ws = sk * W_PAIRS + sp;
            wTile[ws] = w0;
            wTile[ws + 16] = w1;
            wTile[ws + 32] = w2;
            wTile[ws + 48] = w3;
            int xs = sk * X_PAIRS + sp;
            xTile[xs] = x0;
            xTile[xs + 16] = x1;
            ctx.localBarrier();
            // prefetch the next K step into registers while this one computes (0 past the last column)
            int kn = k0 + TILE_K + sk;
            w0 = weightPair(w, wOffset, rows, cols, kEnd, sr, kn);
            w1 = weightPair(w, wOffset, rows, cols, kEnd, sr + 32, kn);
            w2 = weightPair(w, wOffset, rows, cols, kEnd, sr + 64, kn);
            w3 = weightPair(w, wOffset, rows, cols, kEnd, sr + 96, kn);
            x0 = inputPair(x, count, cols, kEnd, st, kn);
            x1 = inputPair(x, count, cols, kEnd, st + 32, kn);
            for (int kk = 0; kk < TILE_K; kk++) {
                int wb = kk * W_PAIRS + tr;
                long p0 = wTile[wb];
                long p1 = wTile[wb + 16];
                long p2 = wTile[wb + 32];
                long p3 = wTile[wb + 48];
                int xb = kk * X_PAIRS + tt;
                long q0 = xTile[xb];
                long q1 = xTile[xb + 16];
                float b0 = low(p0), b1 = high(p0), b2 = low(p1), b3 = high(p1);
                float b4 = low(p2), b5 = high(p2), b6 = low(p3), b7 = high(p3);
                float c0 = low(q0), c1 = high(q0), c2 = low(q1), c3 = high(q1);
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
        // a{i}{j}: row r0 + 2tr + 32(i/2) + i%2, token t0 + 2tt + 32(j/2) + j%2
        int r = r0 + 2 * tr;
        int t = t0 + 2 * tt;
        store(y, outBase, rows, count, accumulate, r, t, a00, a10, a20, a30, a40, a50, a60, a70);
        store(y, outBase, rows, count, accumulate, r, t + 1, a01, a11, a21, a31, a41, a51, a61, a71);
        store(y, outBase, rows, count, accumulate, r, t + 32, a02, a12, a22, a32, a42, a52, a62, a72);
        store(y, outBase, rows, count, accumulate, r, t + 33, a03, a13, a23, a33, a43, a53, a63, a73);
    }

    /** W[r][k] and W[r+1][k] widened and packed (low half: row r), 0 outside the matrix or past kEnd. */
    private static long weightPair(BFloat16Array w, int wOffset, int rows, int cols, int kEnd, int r, int k) {
        float lo = r < rows && k < kEnd ? Bf16.widen(w.getBits(wOffset + r * cols + k)) : 0f;
        float hi = r + 1 < rows && k < kEnd ? Bf16.widen(w.getBits(wOffset + (r + 1) * cols + k)) : 0f;
        return pack(lo, hi);
    }

    /** X[t][k] and X[t+1][k] packed (low half: token t), 0 past the chunk's valid tokens or the last column. */
    private static long inputPair(FloatArray x, int count, int cols, int kEnd, int t, int k) {
        float lo = t < count && k < kEnd ? x.get(t * cols + k) : 0f;
        float hi = t + 1 < count && k < kEnd ? x.get((t + 1) * cols + k) : 0f;
        return pack(lo, hi);
    }

    private static long pack(float lo, float hi) {
        return ((long) Float.floatToRawIntBits(hi) << 32) | (Float.floatToRawIntBits(lo) & 0xFFFFFFFFL);
    }

    private static float low(long pair) {
        return Float.intBitsToFloat((int) pair);
    }

    private static float high(long pair) {
        return Float.intBitsToFloat((int) (pair >>> 32));
    }

    /** Token t's outputs of rows r, r+1, r+32, r+33, ..., r+97 (pairs 32 apart), skipping those outside. */
    private static void store(FloatArray y, int outBase, int rows, int count, int accumulate, int r, int t,
                              float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        if (t < count) {
            int base = outBase + t * rows + r;
            put(y, rows, accumulate, r, base, v0);
            put(y, rows, accumulate, r + 1, base + 1, v1);
            put(y, rows, accumulate, r + 32, base + 32, v2);
            put(y, rows, accumulate, r + 33, base + 33, v3);
            put(y, rows, accumulate, r + 64, base + 64, v4);
            put(y, rows, accumulate, r + 65, base + 65, v5);
            put(y, rows, accumulate, r + 96, base + 96, v6);
            put(y, rows, accumulate, r + 97, base + 97, v7);
        }
    }

    private static void put(FloatArray y, int rows, int accumulate, int r, int out, float v) {
        if (r < rows) {
            y.set(out, accumulate != 0 ? y.get(out) + v : v);
        }
    }
}
