package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill (chunk) forms of {@link MlaValueUp} and {@link MlaQueryAbsorb} as per-head register-blocked GEMMs (the
 * {@link GemmBf16Tiled} tiling: 128 output rows × 64 tokens per 256-item group, 8 × 4 outputs per item, K steps of
 * 16 staged as float pairs in local memory, next step's global loads issued before the FMAs). The head is folded
 * into grid x: group x = head · ⌈rows/128⌉ + rowTile. Per head the operands are strided views:
 * <pre>  Y[t][r] = Σ_k X[t][k] · W[r][k],   W[r][k] = kvB[wBase + r·wRow + k·wCol],
 *   X[t][k] = x[xBase + t·xRow + k],   Y[t][r] = y[yBase + t·yRow + r]</pre>
 * The per-token kernels stay for decode and as the reference; sums differ from theirs only in order.
 */
public final class MlaHeadGemm {
    private MlaHeadGemm() {
    }

    public static final int TILE_ROWS = GemmBf16Tiled.TILE_ROWS;
    public static final int TILE_TOKENS = GemmBf16Tiled.TILE_TOKENS;
    public static final int THREADS = GemmBf16Tiled.THREADS;
    private static final int TILE_K = 16;
    private static final int W_PAIRS = TILE_ROWS / 2 + 1;   // longs per k of the staged W slice (64 pairs, padded)
    private static final int X_PAIRS = TILE_TOKENS / 2 + 1; // longs per k of the staged X slice (32 pairs, padded)

    /**
     * {@link MlaValueUp}'s contract: {@code out[t][h·v + e] = Σ_l kvB[h·(nope+v) + nope + e][l] · latentCtx[t][h][l]}.
     * Shapes: latentCtx [C*H*kvLora], kvB [H*(nope+v), kvLora] bf16, out [C * H*v].
     * Grid: global (H·⌈v/128⌉·256, ⌈C/64⌉), local (256, 1).
     */
    public static void valueUp(KernelContext ctx, FloatArray latentCtx, BFloat16Array kvB, FloatArray out,
                               IntArray meta, int heads, int nope, int vDim, int kvLora) {
        long[] wTile = ctx.allocateLongLocalArray(TILE_K * W_PAIRS);  // [k][row pair]
        long[] xTile = ctx.allocateLongLocalArray(TILE_K * X_PAIRS);  // [k][token pair]
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return; // uniform over the group: token tiles past the chunk's valid rows do nothing
        }
        int rowTiles = (vDim + TILE_ROWS - 1) / TILE_ROWS;
        int h = ctx.groupIdx / rowTiles;
        tile(ctx, wTile, xTile, kvB, (h * (nope + vDim) + nope) * kvLora, kvLora, 1,
                latentCtx, h * kvLora, heads * kvLora, out, h * vDim, heads * vDim,
                meta.get(KernelLimits.META_COUNT), vDim, kvLora, ctx.groupIdx - h * rowTiles);
    }

    /**
     * {@link MlaQueryAbsorb}'s contract: {@code qLat[t][h][l] = Σ_{n<nope} kvB[h·(nope+v) + n][l] · q[t][h·(nope+rope) + n]}.
     * Shapes: q [C * H*(nope+rope)], kvB [H*(nope+v), kvLora] bf16, qLat [C * H*kvLora].
     * Grid: global (H·⌈kvLora/128⌉·256, ⌈C/64⌉), local (256, 1). W is read transposed (row stride 1, k stride
     * kvLora): staging loads are not coalesced along k, but each head's 128 × kvLora slice stays in L2.
     */
    public static void queryAbsorb(KernelContext ctx, FloatArray q, BFloat16Array kvB, FloatArray qLat, IntArray meta,
                                   int heads, int nope, int rope, int vDim, int kvLora) {
        long[] wTile = ctx.allocateLongLocalArray(TILE_K * W_PAIRS);
        long[] xTile = ctx.allocateLongLocalArray(TILE_K * X_PAIRS);
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return;
        }
        int rowTiles = (kvLora + TILE_ROWS - 1) / TILE_ROWS;
        int h = ctx.groupIdx / rowTiles;
        tile(ctx, wTile, xTile, kvB, h * (nope + vDim) * kvLora, 1, kvLora,
                q, h * (nope + rope), heads * (nope + rope), qLat, h * kvLora, heads * kvLora,
                meta.get(KernelLimits.META_COUNT), kvLora, nope, ctx.groupIdx - h * rowTiles);
    }

    /**
     * Expansion of the latent cache for {@link MlaExpandedPrefill}: every position the chunk sees (0 .. position +
     * count − 1, the chunk's own latents already appended) through all of kv_b_proj,
     * {@code kv[s][r] = Σ_l kvB[r][l] · cache[s][l]}, r < H·(nope+v) (per head: k_nope | v).
     * Shapes: cache [S * latentRow] (latent in columns 0..kvLora−1), kvB [rows, kvLora] bf16, kv [S * rows].
     * Grid: global (⌈rows/128⌉·256, ⌈S/64⌉), local (256, 1); position tiles past the visible ones exit.
     */
    public static void expandCache(KernelContext ctx, FloatArray cache, BFloat16Array kvB, FloatArray kv, IntArray meta,
                                   int rows, int kvLora, int latentRow) {
        long[] wTile = ctx.allocateLongLocalArray(TILE_K * W_PAIRS);
        long[] xTile = ctx.allocateLongLocalArray(TILE_K * X_PAIRS);
        int visible = meta.get(KernelLimits.META_POSITION) + meta.get(KernelLimits.META_COUNT);
        if (ctx.groupIdy * TILE_TOKENS >= visible) {
            return; // uniform over the group
        }
        tile(ctx, wTile, xTile, kvB, 0, kvLora, 1, cache, 0, latentRow, kv, 0, rows, visible, rows, kvLora, ctx.groupIdx);
    }

    /** One 128-row × 64-token output tile of one head's strided views over k in [0, kEnd), tokens below count. */
    private static void tile(KernelContext ctx, long[] wTile, long[] xTile, BFloat16Array w, int wBase, int wRow, int wCol,
                             FloatArray x, int xBase, int xRow, FloatArray y, int yBase, int yRow,
                             int count, int rows, int kEnd, int rowTile) {
        int lid = ctx.localIdx;
        int r0 = rowTile * TILE_ROWS;
        int t0 = ctx.groupIdy * TILE_TOKENS;
        // staging role: element k0 + sk of row pairs sp + 16p (p < 4) and token pairs sp + 16q (q < 2)
        int sk = lid & 15;
        int sp = lid >> 4;
        int sr = r0 + 2 * sp;
        int st = t0 + 2 * sp;
        // compute role: row pairs tr + 16p (rows r0 + 2tr + 32p, +1), token pairs tt + 16q (t0 + 2tt + 32q, +1)
        int tr = lid & 15;
        int tt = lid >> 4;

        long w0 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr, sk);
        long w1 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 32, sk);
        long w2 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 64, sk);
        long w3 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 96, sk);
        long x0 = inputPair(x, xBase, xRow, count, kEnd, st, sk);
        long x1 = inputPair(x, xBase, xRow, count, kEnd, st + 32, sk);

        float a00 = 0f, a01 = 0f, a02 = 0f, a03 = 0f;
        float a10 = 0f, a11 = 0f, a12 = 0f, a13 = 0f;
        float a20 = 0f, a21 = 0f, a22 = 0f, a23 = 0f;
        float a30 = 0f, a31 = 0f, a32 = 0f, a33 = 0f;
        float a40 = 0f, a41 = 0f, a42 = 0f, a43 = 0f;
        float a50 = 0f, a51 = 0f, a52 = 0f, a53 = 0f;
        float a60 = 0f, a61 = 0f, a62 = 0f, a63 = 0f;
        float a70 = 0f, a71 = 0f, a72 = 0f, a73 = 0f;

        for (int k0 = 0; k0 < kEnd; k0 += TILE_K) {
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
            w0 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr, kn);
            w1 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 32, kn);
            w2 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 64, kn);
            w3 = weightPair(w, wBase, wRow, wCol, rows, kEnd, sr + 96, kn);
            x0 = inputPair(x, xBase, xRow, count, kEnd, st, kn);
            x1 = inputPair(x, xBase, xRow, count, kEnd, st + 32, kn);
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
        store(y, yBase, yRow, rows, count, r, t, a00, a10, a20, a30, a40, a50, a60, a70);
        store(y, yBase, yRow, rows, count, r, t + 1, a01, a11, a21, a31, a41, a51, a61, a71);
        store(y, yBase, yRow, rows, count, r, t + 32, a02, a12, a22, a32, a42, a52, a62, a72);
        store(y, yBase, yRow, rows, count, r, t + 33, a03, a13, a23, a33, a43, a53, a63, a73);
    }

    /** W[r][k] and W[r+1][k] widened and packed (low half: row r), 0 outside the head's view. */
    private static long weightPair(BFloat16Array w, int wBase, int wRow, int wCol, int rows, int kEnd, int r, int k) {
        float lo = r < rows && k < kEnd ? Bf16.widen(w.getBits(wBase + r * wRow + k * wCol)) : 0f;
        float hi = r + 1 < rows && k < kEnd ? Bf16.widen(w.getBits(wBase + (r + 1) * wRow + k * wCol)) : 0f;
        return pack(lo, hi);
    }

    /** X[t][k] and X[t+1][k] packed (low half: token t), 0 past the chunk's valid tokens or the last column. */
    private static long inputPair(FloatArray x, int xBase, int xRow, int count, int kEnd, int t, int k) {
        float lo = t < count && k < kEnd ? x.get(xBase + t * xRow + k) : 0f;
        float hi = t + 1 < count && k < kEnd ? x.get(xBase + (t + 1) * xRow + k) : 0f;
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
    private static void store(FloatArray y, int yBase, int yRow, int rows, int count, int r, int t,
                              float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        if (t < count) {
            int base = yBase + t * yRow + r;
            put(y, rows, r, base, v0);
            put(y, rows, r + 1, base + 1, v1);
            put(y, rows, r + 32, base + 32, v2);
            put(y, rows, r + 33, base + 33, v3);
            put(y, rows, r + 64, base + 64, v4);
            put(y, rows, r + 65, base + 65, v5);
            put(y, rows, r + 96, base + 96, v6);
            put(y, rows, r + 97, base + 97, v7);
        }
    }

    private static void put(FloatArray y, int rows, int r, int out, float v) {
        if (r < rows) {
            y.set(out, v);
        }
    }
}
