package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill projection GEMM on bf16 tensor cores (the MMA variant of {@link GemmBf16Tiled}, same contract; the SIMT
 * kernels stay as reference and for devices without native MMA):
 * <pre>  Y[t][r] = (accumulate ? Y[t][r] : 0) + Σ_k X[t][k] · W[r][k]      for t < count </pre>
 * Shapes: W [rows, cols] bf16 from element {@code wOffset}, X [C*cols] fp32, Y [C*rows] fp32; cols and wOffset
 * multiples of 4 (W is staged by 8-byte {@code getBits4} loads; every Kimi Linear projection qualifies).
 * Grid 2D: global (⌈rows/128⌉·256, ⌈C/128⌉), local (256, 1): one work-group per 128-token × 128-row output tile,
 * 8 warps of 32 tokens × 64 rows each (warp w: tokens 32·(w&3), rows 64·(w>>2)) = 2 × 8 m16n8 accumulator tiles
 * (64 floats in registers per lane).
 * <p>Precision: the tensor cores multiply bf16 × bf16 exactly and add in fp32. W is bf16 already (exact); each fp32
 * activation is split while staging into hi = bf16(x) (round to nearest even) and lo = bf16(x − hi), and every tile
 * runs two MMAs (hi·W, then lo·W into the same accumulators), so X·W is carried to ~2⁻¹⁷ relative per product
 * (|x − hi − lo| ≤ 2⁻⁹·2⁻⁹·|x|) instead of bf16's 2⁻⁹ — the projections keep fp32-like accuracy (tests: vs
 * {@link GemmBf16Tiled}). The tensor cores have flops to spare; the second MMA costs no extra operand traffic for W.
 * <p>K steps of 32: the step's W slice (128 rows × 16 bf16 pairs) and X slice (hi and lo, 128 tokens × 16 pairs) are
 * staged in local int arrays row-major with rows padded to {@value #STRIDE} ints, so the 32-bit fragment loads of a
 * warp (lane = 4·g + t reads row g, pair t) hit 32 distinct banks. Per 16-deep half step a warp issues 16 (W) + 16
 * (X hi/lo) 4-byte local loads for 32 MMAs. Global loads for step s+1 (4 × 8-byte W quads, 4 × 4 X floats per
 * work-item; a warp reads 4 rows × 64 contiguous bytes) are issued before step s's MMAs so their latency hides.
 * Rows, tokens and columns need not be multiples of the tile: outside elements stage as 0, outside outputs are not
 * written.
 */
public final class GemmBf16Mma {
    private GemmBf16Mma() {
    }

    /** Output rows (weight rows) per work-group. */
    public static final int TILE_ROWS = 128;
    /** Tokens per work-group. */
    public static final int TILE_TOKENS = 128;
    /** Work-items per work-group (8 warps). */
    public static final int THREADS = 256;
    /** Reduction depth staged per step (split-K slices should be multiples of it). */
    public static final int TILE_K = 32;
    /** Ints per staged row: 16 bf16 pairs of one K step + 4 padding (conflict-free fragment loads). */
    static final int STRIDE = 20;

    public static void gemm(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                            IntArray meta, int rows, int cols, int accumulate) {
        int[] wS = ctx.allocateIntLocalArray(TILE_ROWS * STRIDE);    // [row][k pair] of the current K step
        int[] xHi = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE); // [token][k pair] bf16(x)
        int[] xLo = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE); // [token][k pair] bf16(x - hi)
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return; // uniform over the group: token tiles past the chunk's valid rows do nothing
        }
        tile(ctx, wS, xHi, xLo, w, wOffset, x, y, 0, meta, rows, cols, accumulate, ctx.groupIdx, 0, cols);
    }

    /**
     * Split-K partial products, the contract of {@link GemmBf16Tiled#gemmSplitK} with this kernel's tiles: group x =
     * rowTile + ⌈rows/128⌉·s covers columns [s·kSlice, min(cols, (s+1)·kSlice)) and writes
     * {@code partial[s·sliceStride + t·rows + r]}; {@link GemmSplitKSum} adds the slices in a fixed order.
     * kSlice a multiple of 4. Grid: global (⌈rows/128⌉·splits·256, ⌈C/128⌉), local (256, 1).
     */
    public static void gemmSplitK(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray partial,
                                  IntArray meta, int rows, int cols, int kSlice, int sliceStride) {
        int[] wS = ctx.allocateIntLocalArray(TILE_ROWS * STRIDE);
        int[] xHi = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);
        int[] xLo = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);
        if (ctx.groupIdy * TILE_TOKENS >= meta.get(KernelLimits.META_COUNT)) {
            return;
        }
        int rowTiles = (rows + TILE_ROWS - 1) / TILE_ROWS;
        int slice = ctx.groupIdx / rowTiles;
        int kBegin = slice * kSlice;
        tile(ctx, wS, xHi, xLo, w, wOffset, x, partial, slice * sliceStride, meta, rows, Math.min(cols, kBegin + kSlice), 0,
                ctx.groupIdx - slice * rowTiles, kBegin, cols);
    }

    /**
     * One 128-token × 128-row output tile over columns [kBegin, kEnd): out[outBase + t·rows + r] (+)= Σ_k X·W.
     * {@code cols} is W's and X's row length (the stride); {@code kEnd ≤ cols} bounds the sum (a multiple of 4).
     */
    private static void tile(KernelContext ctx, int[] wS, int[] xHi, int[] xLo, BFloat16Array w, int wOffset,
                             FloatArray x, FloatArray y, int outBase, IntArray meta, int rows, int kEnd, int accumulate,
                             int rowTile, int kBegin, int cols) {
        int lid = ctx.localIdx;
        int r0 = rowTile * TILE_ROWS;
        int t0 = ctx.groupIdy * TILE_TOKENS;
        int count = meta.get(KernelLimits.META_COUNT);
        // staging role: rows / tokens sRow + 32p (p < 4), columns k0 + 4·sq .. +3 (one W quad, four X floats)
        int sRow = lid >> 3;
        int sq = lid & 7;
        int sAt = sRow * STRIDE + 2 * sq;
        // MMA role: lane = 4g + t; warp tile tokens tm..tm+31 (2 m16 tiles), rows rn..rn+63 (8 n8 tiles)
        int lane = lid & 31;
        int warp = lid >> 5;
        int g = lane >> 2;
        int t = lane & 3;
        int tm = (warp & 3) * 32;
        int rn = (warp >> 2) * 64;
        int aAt = (tm + g) * STRIDE + t; // A fragment (token row g of m-tile 0, pair t)
        int bAt = (rn + g) * STRIDE + t; // B fragment (weight row g of n-tile 0, pair t)

        int k = kBegin + 4 * sq;
        long w0 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 0, k);
        long w1 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 32, k);
        long w2 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 64, k);
        long w3 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 96, k);
        float x00 = input(x, count, cols, kEnd, t0 + sRow + 0, k + 0);
        float x01 = input(x, count, cols, kEnd, t0 + sRow + 0, k + 1);
        float x02 = input(x, count, cols, kEnd, t0 + sRow + 0, k + 2);
        float x03 = input(x, count, cols, kEnd, t0 + sRow + 0, k + 3);
        float x10 = input(x, count, cols, kEnd, t0 + sRow + 32, k + 0);
        float x11 = input(x, count, cols, kEnd, t0 + sRow + 32, k + 1);
        float x12 = input(x, count, cols, kEnd, t0 + sRow + 32, k + 2);
        float x13 = input(x, count, cols, kEnd, t0 + sRow + 32, k + 3);
        float x20 = input(x, count, cols, kEnd, t0 + sRow + 64, k + 0);
        float x21 = input(x, count, cols, kEnd, t0 + sRow + 64, k + 1);
        float x22 = input(x, count, cols, kEnd, t0 + sRow + 64, k + 2);
        float x23 = input(x, count, cols, kEnd, t0 + sRow + 64, k + 3);
        float x30 = input(x, count, cols, kEnd, t0 + sRow + 96, k + 0);
        float x31 = input(x, count, cols, kEnd, t0 + sRow + 96, k + 1);
        float x32 = input(x, count, cols, kEnd, t0 + sRow + 96, k + 2);
        float x33 = input(x, count, cols, kEnd, t0 + sRow + 96, k + 3);

        float c000 = 0f, c001 = 0f, c002 = 0f, c003 = 0f;
        float c010 = 0f, c011 = 0f, c012 = 0f, c013 = 0f;
        float c020 = 0f, c021 = 0f, c022 = 0f, c023 = 0f;
        float c030 = 0f, c031 = 0f, c032 = 0f, c033 = 0f;
        float c040 = 0f, c041 = 0f, c042 = 0f, c043 = 0f;
        float c050 = 0f, c051 = 0f, c052 = 0f, c053 = 0f;
        float c060 = 0f, c061 = 0f, c062 = 0f, c063 = 0f;
        float c070 = 0f, c071 = 0f, c072 = 0f, c073 = 0f;
        float c100 = 0f, c101 = 0f, c102 = 0f, c103 = 0f;
        float c110 = 0f, c111 = 0f, c112 = 0f, c113 = 0f;
        float c120 = 0f, c121 = 0f, c122 = 0f, c123 = 0f;
        float c130 = 0f, c131 = 0f, c132 = 0f, c133 = 0f;
        float c140 = 0f, c141 = 0f, c142 = 0f, c143 = 0f;
        float c150 = 0f, c151 = 0f, c152 = 0f, c153 = 0f;
        float c160 = 0f, c161 = 0f, c162 = 0f, c163 = 0f;
        float c170 = 0f, c171 = 0f, c172 = 0f, c173 = 0f;

        for (int k0 = kBegin; k0 < kEnd; k0 += TILE_K) {
            wS[sAt] = (int) w0;
            wS[sAt + 1] = (int) (w0 >>> 32);
            wS[sAt + 32 * STRIDE] = (int) w1;
            wS[sAt + 32 * STRIDE + 1] = (int) (w1 >>> 32);
            wS[sAt + 64 * STRIDE] = (int) w2;
            wS[sAt + 64 * STRIDE + 1] = (int) (w2 >>> 32);
            wS[sAt + 96 * STRIDE] = (int) w3;
            wS[sAt + 96 * STRIDE + 1] = (int) (w3 >>> 32);
            xHi[sAt] = hiPair(x00, x01);
            xHi[sAt + 1] = hiPair(x02, x03);
            xLo[sAt] = loPair(x00, x01);
            xLo[sAt + 1] = loPair(x02, x03);
            xHi[sAt + 32 * STRIDE] = hiPair(x10, x11);
            xHi[sAt + 32 * STRIDE + 1] = hiPair(x12, x13);
            xLo[sAt + 32 * STRIDE] = loPair(x10, x11);
            xLo[sAt + 32 * STRIDE + 1] = loPair(x12, x13);
            xHi[sAt + 64 * STRIDE] = hiPair(x20, x21);
            xHi[sAt + 64 * STRIDE + 1] = hiPair(x22, x23);
            xLo[sAt + 64 * STRIDE] = loPair(x20, x21);
            xLo[sAt + 64 * STRIDE + 1] = loPair(x22, x23);
            xHi[sAt + 96 * STRIDE] = hiPair(x30, x31);
            xHi[sAt + 96 * STRIDE + 1] = hiPair(x32, x33);
            xLo[sAt + 96 * STRIDE] = loPair(x30, x31);
            xLo[sAt + 96 * STRIDE + 1] = loPair(x32, x33);
            ctx.localBarrier();
            // the next K step's global loads are in flight while this step's MMAs run (0 past kEnd)
            int kn = k0 + TILE_K + 4 * sq;
            w0 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 0, kn);
            w1 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 32, kn);
            w2 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 64, kn);
            w3 = weightQuad(w, wOffset, rows, cols, kEnd, r0 + sRow + 96, kn);
            x00 = input(x, count, cols, kEnd, t0 + sRow + 0, kn + 0);
            x01 = input(x, count, cols, kEnd, t0 + sRow + 0, kn + 1);
            x02 = input(x, count, cols, kEnd, t0 + sRow + 0, kn + 2);
            x03 = input(x, count, cols, kEnd, t0 + sRow + 0, kn + 3);
            x10 = input(x, count, cols, kEnd, t0 + sRow + 32, kn + 0);
            x11 = input(x, count, cols, kEnd, t0 + sRow + 32, kn + 1);
            x12 = input(x, count, cols, kEnd, t0 + sRow + 32, kn + 2);
            x13 = input(x, count, cols, kEnd, t0 + sRow + 32, kn + 3);
            x20 = input(x, count, cols, kEnd, t0 + sRow + 64, kn + 0);
            x21 = input(x, count, cols, kEnd, t0 + sRow + 64, kn + 1);
            x22 = input(x, count, cols, kEnd, t0 + sRow + 64, kn + 2);
            x23 = input(x, count, cols, kEnd, t0 + sRow + 64, kn + 3);
            x30 = input(x, count, cols, kEnd, t0 + sRow + 96, kn + 0);
            x31 = input(x, count, cols, kEnd, t0 + sRow + 96, kn + 1);
            x32 = input(x, count, cols, kEnd, t0 + sRow + 96, kn + 2);
            x33 = input(x, count, cols, kEnd, t0 + sRow + 96, kn + 3);
            for (int kc = 0; kc < 16; kc += 8) { // two 16-deep halves: pairs kc..kc+7
                // m-tile 0: tokens tm + 0 .. +15, hi and lo
                int h00 = xHi[aAt + kc], h01 = xHi[aAt + kc + 8 * STRIDE], h02 = xHi[aAt + kc + 4], h03 = xHi[aAt + kc + 8 * STRIDE + 4];
                int l00 = xLo[aAt + kc], l01 = xLo[aAt + kc + 8 * STRIDE], l02 = xLo[aAt + kc + 4], l03 = xLo[aAt + kc + 8 * STRIDE + 4];
                // m-tile 1: tokens tm + 16 .. +15, hi and lo
                int h10 = xHi[aAt + kc + 16 * STRIDE], h11 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE], h12 = xHi[aAt + kc + 16 * STRIDE + 4], h13 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                int l10 = xLo[aAt + kc + 16 * STRIDE], l11 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE], l12 = xLo[aAt + kc + 16 * STRIDE + 4], l13 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                // n-tile loop with rotating accumulators: slot 0 (c.0.) is n-tile j; after 8 rotations every
                // accumulator is back in its slot. One MMA call site per (m-tile, hi/lo) keeps the emulated
                // OpenCL (a barrier pair per call site) small; ptxas unrolls the loop and the moves vanish.
                for (int j = 0; j < 8; j++) {
                    int bj = bAt + kc + j * 8 * STRIDE;
                    int b0 = wS[bj];
                    int b1 = wS[bj + 4];
                    ctx.mmaBf16(h00, h01, h02, h03, b0, b1, c000, c001, c002, c003);
                    c000 = ctx.mmaResult(0); c001 = ctx.mmaResult(1); c002 = ctx.mmaResult(2); c003 = ctx.mmaResult(3);
                    ctx.mmaBf16(l00, l01, l02, l03, b0, b1, c000, c001, c002, c003);
                    c000 = ctx.mmaResult(0); c001 = ctx.mmaResult(1); c002 = ctx.mmaResult(2); c003 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, b0, b1, c100, c101, c102, c103);
                    c100 = ctx.mmaResult(0); c101 = ctx.mmaResult(1); c102 = ctx.mmaResult(2); c103 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, b0, b1, c100, c101, c102, c103);
                    c100 = ctx.mmaResult(0); c101 = ctx.mmaResult(1); c102 = ctx.mmaResult(2); c103 = ctx.mmaResult(3);
                    float r00 = c000;
                    c000 = c010; c010 = c020; c020 = c030; c030 = c040; c040 = c050; c050 = c060; c060 = c070; c070 = r00;
                    float r01 = c001;
                    c001 = c011; c011 = c021; c021 = c031; c031 = c041; c041 = c051; c051 = c061; c061 = c071; c071 = r01;
                    float r02 = c002;
                    c002 = c012; c012 = c022; c022 = c032; c032 = c042; c042 = c052; c052 = c062; c062 = c072; c072 = r02;
                    float r03 = c003;
                    c003 = c013; c013 = c023; c023 = c033; c033 = c043; c043 = c053; c053 = c063; c063 = c073; c073 = r03;
                    float r10 = c100;
                    c100 = c110; c110 = c120; c120 = c130; c130 = c140; c140 = c150; c150 = c160; c160 = c170; c170 = r10;
                    float r11 = c101;
                    c101 = c111; c111 = c121; c121 = c131; c131 = c141; c141 = c151; c151 = c161; c161 = c171; c171 = r11;
                    float r12 = c102;
                    c102 = c112; c112 = c122; c122 = c132; c132 = c142; c142 = c152; c152 = c162; c162 = c172; c172 = r12;
                    float r13 = c103;
                    c103 = c113; c113 = c123; c123 = c133; c133 = c143; c143 = c153; c153 = c163; c163 = c173; c173 = r13;
                }
            }
            ctx.localBarrier();
        }
        // accumulator c{i}{j}{e}: token tm + 16i + g (+8 for e ≥ 2), rows rn + 8j + 2t, +1 (e odd)
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 0 + 2 * t, c000, c001);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 0 + 2 * t, c002, c003);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 8 + 2 * t, c010, c011);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 8 + 2 * t, c012, c013);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 16 + 2 * t, c020, c021);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 16 + 2 * t, c022, c023);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 24 + 2 * t, c030, c031);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 24 + 2 * t, c032, c033);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 32 + 2 * t, c040, c041);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 32 + 2 * t, c042, c043);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 40 + 2 * t, c050, c051);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 40 + 2 * t, c052, c053);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 48 + 2 * t, c060, c061);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 48 + 2 * t, c062, c063);
        store(y, outBase, rows, count, accumulate, t0 + tm + 0 + g, r0 + rn + 56 + 2 * t, c070, c071);
        store(y, outBase, rows, count, accumulate, t0 + tm + 8 + g, r0 + rn + 56 + 2 * t, c072, c073);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 0 + 2 * t, c100, c101);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 0 + 2 * t, c102, c103);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 8 + 2 * t, c110, c111);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 8 + 2 * t, c112, c113);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 16 + 2 * t, c120, c121);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 16 + 2 * t, c122, c123);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 24 + 2 * t, c130, c131);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 24 + 2 * t, c132, c133);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 32 + 2 * t, c140, c141);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 32 + 2 * t, c142, c143);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 40 + 2 * t, c150, c151);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 40 + 2 * t, c152, c153);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 48 + 2 * t, c160, c161);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 48 + 2 * t, c162, c163);
        store(y, outBase, rows, count, accumulate, t0 + tm + 16 + g, r0 + rn + 56 + 2 * t, c170, c171);
        store(y, outBase, rows, count, accumulate, t0 + tm + 24 + g, r0 + rn + 56 + 2 * t, c172, c173);
    }

    /** W[r][k..k+3] as one 8-byte load (k % 4 == 0, cols % 4 == 0, wOffset % 4 == 0), 0 outside the matrix or past kEnd. */
    private static long weightQuad(BFloat16Array w, int wOffset, int rows, int cols, int kEnd, int r, int k) {
        return r < rows && k < kEnd ? w.getBits4(wOffset + r * cols + k) : 0L;
    }

    /** X[t][k], 0 past the chunk's valid tokens or the last column. */
    private static float input(FloatArray x, int count, int cols, int kEnd, int t, int k) {
        return t < count && k < kEnd ? x.get(t * cols + k) : 0f;
    }

    /** bf16 of v rounded to nearest even, as the low 16 bits of an int (finite v; NaN stays NaN). */
    static int bf16Bits(float v) {
        int bits = Float.floatToRawIntBits(v);
        return ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16) & 0xFFFF;
    }

    /** The pair (bf16(a), bf16(b)) packed as the MMA wants it: the lower k index in bits 0..15. */
    static int hiPair(float a, float b) {
        return bf16Bits(a) | (bf16Bits(b) << 16);
    }

    /** The pair (bf16(a − bf16(a)), bf16(b − bf16(b))): the rounding residuals, exact in fp32 before their rounding. */
    static int loPair(float a, float b) {
        float ra = a - Float.intBitsToFloat(bf16Bits(a) << 16);
        float rb = b - Float.intBitsToFloat(bf16Bits(b) << 16);
        return bf16Bits(ra) | (bf16Bits(rb) << 16);
    }

    /** Token t's outputs of rows r and r+1, skipping those outside. */
    private static void store(FloatArray y, int outBase, int rows, int count, int accumulate, int t, int r, float v0,
                              float v1) {
        if (t < count) {
            int base = outBase + t * rows + r;
            if (r < rows) {
                y.set(base, accumulate != 0 ? y.get(base) + v0 : v0);
            }
            if (r + 1 < rows) {
                y.set(base + 1, accumulate != 0 ? y.get(base + 1) + v1 : v1);
            }
        }
    }
}
