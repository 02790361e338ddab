package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE down projection on bf16 tensor cores (the MMA variant of {@link MoeGroupedDown}, same output; that SIMT
 * kernel stays as reference and for devices without native MMA), one unweighted row per (token, slot) pair:
 * <pre>  out[p][d] = w2[e][d] · act[p]      for each pair p of tile (e, first, n) </pre>
 * Tiles of up to {@value #TILE_TOKENS} pairs (grouping with {@code tileTokens = TILE_TOKENS}, see
 * {@link MoeGroupedGateUpMma}). Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I), I % 4 == 0; act [C*slots*I];
 * out [C*slots*D].
 * Grid 2D: global (⌈D/256⌉·256, maxTiles), local (256, 1): groupIdx = block of 256 output rows, groupIdy = work
 * tile. Warp w computes rows 32w..32w+31 (4 n8 tiles) for all the tile's pairs (up to 4 m16 tiles; those wholly
 * past n skipped, group-uniformly). Precision and staging as {@link GemmBf16Mma} (act split into bf16 hi + lo).
 * {@code sinkPair}: a spare out row (out holds sinkPair + 1 rows) for the padding tokens, see {@link MoeGroupedGateUpMma}.
 */
public final class MoeGroupedDownMma {
    private MoeGroupedDownMma() {
    }

    /** Pairs per work tile (the grouping's tileTokens for this kernel). */
    public static final int TILE_TOKENS = 64;
    /** Output rows per work-group. */
    public static final int DOWN_ROWS = 256;
    /** Work-items per work-group (8 warps). */
    public static final int THREADS = 256;
    private static final int TILE_K = 32;
    private static final int STRIDE = GemmBf16Mma.STRIDE;

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray pairs, IntArray tiles,
                             FloatArray out, IntArray meta, int inter, int dim, int sinkPair) {
        int[] wS = ctx.allocateIntLocalArray(DOWN_ROWS * STRIDE);     // [row][k pair] of w2, current K step
        int[] xHi = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);  // [pair][k pair] bf16(act)
        int[] xLo = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);  // [pair][k pair] bf16(act - hi)
        int[] pairOf = ctx.allocateIntLocalArray(TILE_TOKENS);
        int[] xRow = ctx.allocateIntLocalArray(TILE_TOKENS);          // act offset of each pair
        int tile = ctx.groupIdy;
        if (tile >= tiles.get(0)) {
            return; // uniform over the group: the launch covers the worst case of tiles
        }
        int expert = tiles.get(1 + 3 * tile);
        int first = tiles.get(2 + 3 * tile);
        int n = tiles.get(3 + 3 * tile);
        int lid = ctx.localIdx;
        int r0 = ctx.groupIdx * DOWN_ROWS;
        if (lid < TILE_TOKENS) {
            // padding tokens point at the sink row: PoCL was seen to run some guarded stores of them anyway
            int pair = lid < n ? pairs.get(first + lid) : sinkPair;
            pairOf[lid] = pair;
            xRow[lid] = lid < n ? pair * inter : 0;
        }
        ctx.localBarrier();
        int wBase = expert * dim * inter;
        // staging roles: weight rows sRow + 64p, columns k0 + 8·sq .. +7 (two quads: fewer live row pointers);
        // tokens xTok + 32p, columns k0 + 4·xq .. +3
        int sRow = lid >> 2;
        int sq = lid & 3;
        int sAt = sRow * STRIDE + 4 * sq;
        int xTok = lid >> 3;
        int xq = lid & 7;
        int xAt = xTok * STRIDE + 2 * xq;
        // MMA role: lane = 4g + t of warp wp
        int lane = lid & 31;
        int wp = lid >> 5;
        int g = lane >> 2;
        int t = lane & 3;
        int rn = wp * 32; // the warp's first row in the block
        int aAt = g * STRIDE + t;          // A fragment (token row g of m-tile 0, pair t)
        int bAt = (rn + g) * STRIDE + t;   // B fragment (weight row g of the warp's first n-tile, pair t)
        int xm0 = xTok < n ? xRow[xTok] : -1;        // staged tokens' x offsets (-1: past n)
        int xm1 = xTok + 32 < n ? xRow[xTok + 32] : -1;
        int k = 8 * sq;
        long wq00 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 0, k);
        long wq01 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 0, k + 4);
        long wq10 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 64, k);
        long wq11 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 64, k + 4);
        long wq20 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 128, k);
        long wq21 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 128, k + 4);
        long wq30 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 192, k);
        long wq31 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 192, k + 4);

        float y000 = 0f, y001 = 0f, y002 = 0f, y003 = 0f;
        float y010 = 0f, y011 = 0f, y012 = 0f, y013 = 0f;
        float y020 = 0f, y021 = 0f, y022 = 0f, y023 = 0f;
        float y030 = 0f, y031 = 0f, y032 = 0f, y033 = 0f;
        float y100 = 0f, y101 = 0f, y102 = 0f, y103 = 0f;
        float y110 = 0f, y111 = 0f, y112 = 0f, y113 = 0f;
        float y120 = 0f, y121 = 0f, y122 = 0f, y123 = 0f;
        float y130 = 0f, y131 = 0f, y132 = 0f, y133 = 0f;
        float y200 = 0f, y201 = 0f, y202 = 0f, y203 = 0f;
        float y210 = 0f, y211 = 0f, y212 = 0f, y213 = 0f;
        float y220 = 0f, y221 = 0f, y222 = 0f, y223 = 0f;
        float y230 = 0f, y231 = 0f, y232 = 0f, y233 = 0f;
        float y300 = 0f, y301 = 0f, y302 = 0f, y303 = 0f;
        float y310 = 0f, y311 = 0f, y312 = 0f, y313 = 0f;
        float y320 = 0f, y321 = 0f, y322 = 0f, y323 = 0f;
        float y330 = 0f, y331 = 0f, y332 = 0f, y333 = 0f;

        for (int k0 = 0; k0 < inter; k0 += TILE_K) {
            // this step's x (L2-resident gathered rows): loaded here, not a step ahead, so that they are not live
            // across the MMAs (registers: 2 groups of 256 per SM need <= 128)
            int kx = k0 + 4 * xq;
            float x00 = input(act, xm0, inter, kx + 0);
            float x01 = input(act, xm0, inter, kx + 1);
            float x02 = input(act, xm0, inter, kx + 2);
            float x03 = input(act, xm0, inter, kx + 3);
            float x10 = input(act, xm1, inter, kx + 0);
            float x11 = input(act, xm1, inter, kx + 1);
            float x12 = input(act, xm1, inter, kx + 2);
            float x13 = input(act, xm1, inter, kx + 3);
            wS[sAt] = (int) wq00;
            wS[sAt + 1] = (int) (wq00 >>> 32);
            wS[sAt + 2] = (int) wq01;
            wS[sAt + 2 + 1] = (int) (wq01 >>> 32);
            wS[sAt + 64 * STRIDE] = (int) wq10;
            wS[sAt + 64 * STRIDE + 1] = (int) (wq10 >>> 32);
            wS[sAt + 64 * STRIDE + 2] = (int) wq11;
            wS[sAt + 64 * STRIDE + 2 + 1] = (int) (wq11 >>> 32);
            wS[sAt + 128 * STRIDE] = (int) wq20;
            wS[sAt + 128 * STRIDE + 1] = (int) (wq20 >>> 32);
            wS[sAt + 128 * STRIDE + 2] = (int) wq21;
            wS[sAt + 128 * STRIDE + 2 + 1] = (int) (wq21 >>> 32);
            wS[sAt + 192 * STRIDE] = (int) wq30;
            wS[sAt + 192 * STRIDE + 1] = (int) (wq30 >>> 32);
            wS[sAt + 192 * STRIDE + 2] = (int) wq31;
            wS[sAt + 192 * STRIDE + 2 + 1] = (int) (wq31 >>> 32);
            xHi[xAt] = GemmBf16Mma.hiPair(x00, x01);
            xHi[xAt + 1] = GemmBf16Mma.hiPair(x02, x03);
            xLo[xAt] = GemmBf16Mma.loPair(x00, x01);
            xLo[xAt + 1] = GemmBf16Mma.loPair(x02, x03);
            xHi[xAt + 32 * STRIDE] = GemmBf16Mma.hiPair(x10, x11);
            xHi[xAt + 32 * STRIDE + 1] = GemmBf16Mma.hiPair(x12, x13);
            xLo[xAt + 32 * STRIDE] = GemmBf16Mma.loPair(x10, x11);
            xLo[xAt + 32 * STRIDE + 1] = GemmBf16Mma.loPair(x12, x13);
            ctx.localBarrier();
            // the next K step's global loads are in flight while this step's MMAs run (0 past the end)
            int kn = k0 + TILE_K + 8 * sq;
            wq00 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 0, kn);
            wq01 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 0, kn + 4);
            wq10 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 64, kn);
            wq11 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 64, kn + 4);
            wq20 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 128, kn);
            wq21 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 128, kn + 4);
            wq30 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 192, kn);
            wq31 = weightQuad(w2, wBase, dim, inter, r0 + sRow + 192, kn + 4);
            for (int kc = 0; kc < 16; kc += 8) { // two 16-deep halves: pairs kc..kc+7
                int yb00 = wS[bAt + kc];
                int yb01 = wS[bAt + kc + 4];
                int yb10 = wS[bAt + kc + 8 * STRIDE];
                int yb11 = wS[bAt + kc + 8 * STRIDE + 4];
                int yb20 = wS[bAt + kc + 16 * STRIDE];
                int yb21 = wS[bAt + kc + 16 * STRIDE + 4];
                int yb30 = wS[bAt + kc + 24 * STRIDE];
                int yb31 = wS[bAt + kc + 24 * STRIDE + 4];
                // m-tile 0: pairs 0..15 (every tile has at least one pair). Written out, not a loop with
                // rotating accumulators: that form computed wrong values on PoCL (java was right)
                int h00 = xHi[aAt + kc], h01 = xHi[aAt + kc + 8 * STRIDE], h02 = xHi[aAt + kc + 4], h03 = xHi[aAt + kc + 8 * STRIDE + 4];
                int l00 = xLo[aAt + kc], l01 = xLo[aAt + kc + 8 * STRIDE], l02 = xLo[aAt + kc + 4], l03 = xLo[aAt + kc + 8 * STRIDE + 4];
                ctx.mmaBf16(h00, h01, h02, h03, yb00, yb01, y000, y001, y002, y003);
                y000 = ctx.mmaResult(0); y001 = ctx.mmaResult(1); y002 = ctx.mmaResult(2); y003 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, yb00, yb01, y000, y001, y002, y003);
                y000 = ctx.mmaResult(0); y001 = ctx.mmaResult(1); y002 = ctx.mmaResult(2); y003 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, yb10, yb11, y010, y011, y012, y013);
                y010 = ctx.mmaResult(0); y011 = ctx.mmaResult(1); y012 = ctx.mmaResult(2); y013 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, yb10, yb11, y010, y011, y012, y013);
                y010 = ctx.mmaResult(0); y011 = ctx.mmaResult(1); y012 = ctx.mmaResult(2); y013 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, yb20, yb21, y020, y021, y022, y023);
                y020 = ctx.mmaResult(0); y021 = ctx.mmaResult(1); y022 = ctx.mmaResult(2); y023 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, yb20, yb21, y020, y021, y022, y023);
                y020 = ctx.mmaResult(0); y021 = ctx.mmaResult(1); y022 = ctx.mmaResult(2); y023 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, yb30, yb31, y030, y031, y032, y033);
                y030 = ctx.mmaResult(0); y031 = ctx.mmaResult(1); y032 = ctx.mmaResult(2); y033 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, yb30, yb31, y030, y031, y032, y033);
                y030 = ctx.mmaResult(0); y031 = ctx.mmaResult(1); y032 = ctx.mmaResult(2); y033 = ctx.mmaResult(3);
                if (n > 16) { // m-tile 1: pairs 16..31 (n is uniform over the group, as MMAs require)
                    int h10 = xHi[aAt + kc + 16 * STRIDE], h11 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE], h12 = xHi[aAt + kc + 16 * STRIDE + 4], h13 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                    int l10 = xLo[aAt + kc + 16 * STRIDE], l11 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE], l12 = xLo[aAt + kc + 16 * STRIDE + 4], l13 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h10, h11, h12, h13, yb00, yb01, y100, y101, y102, y103);
                    y100 = ctx.mmaResult(0); y101 = ctx.mmaResult(1); y102 = ctx.mmaResult(2); y103 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, yb00, yb01, y100, y101, y102, y103);
                    y100 = ctx.mmaResult(0); y101 = ctx.mmaResult(1); y102 = ctx.mmaResult(2); y103 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, yb10, yb11, y110, y111, y112, y113);
                    y110 = ctx.mmaResult(0); y111 = ctx.mmaResult(1); y112 = ctx.mmaResult(2); y113 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, yb10, yb11, y110, y111, y112, y113);
                    y110 = ctx.mmaResult(0); y111 = ctx.mmaResult(1); y112 = ctx.mmaResult(2); y113 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, yb20, yb21, y120, y121, y122, y123);
                    y120 = ctx.mmaResult(0); y121 = ctx.mmaResult(1); y122 = ctx.mmaResult(2); y123 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, yb20, yb21, y120, y121, y122, y123);
                    y120 = ctx.mmaResult(0); y121 = ctx.mmaResult(1); y122 = ctx.mmaResult(2); y123 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, yb30, yb31, y130, y131, y132, y133);
                    y130 = ctx.mmaResult(0); y131 = ctx.mmaResult(1); y132 = ctx.mmaResult(2); y133 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, yb30, yb31, y130, y131, y132, y133);
                    y130 = ctx.mmaResult(0); y131 = ctx.mmaResult(1); y132 = ctx.mmaResult(2); y133 = ctx.mmaResult(3);
                }
                if (n > 32) { // m-tile 2: pairs 32..47 (n is uniform over the group, as MMAs require)
                    int h20 = xHi[aAt + kc + 32 * STRIDE], h21 = xHi[aAt + kc + 32 * STRIDE + 8 * STRIDE], h22 = xHi[aAt + kc + 32 * STRIDE + 4], h23 = xHi[aAt + kc + 32 * STRIDE + 8 * STRIDE + 4];
                    int l20 = xLo[aAt + kc + 32 * STRIDE], l21 = xLo[aAt + kc + 32 * STRIDE + 8 * STRIDE], l22 = xLo[aAt + kc + 32 * STRIDE + 4], l23 = xLo[aAt + kc + 32 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h20, h21, h22, h23, yb00, yb01, y200, y201, y202, y203);
                    y200 = ctx.mmaResult(0); y201 = ctx.mmaResult(1); y202 = ctx.mmaResult(2); y203 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, yb00, yb01, y200, y201, y202, y203);
                    y200 = ctx.mmaResult(0); y201 = ctx.mmaResult(1); y202 = ctx.mmaResult(2); y203 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, yb10, yb11, y210, y211, y212, y213);
                    y210 = ctx.mmaResult(0); y211 = ctx.mmaResult(1); y212 = ctx.mmaResult(2); y213 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, yb10, yb11, y210, y211, y212, y213);
                    y210 = ctx.mmaResult(0); y211 = ctx.mmaResult(1); y212 = ctx.mmaResult(2); y213 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, yb20, yb21, y220, y221, y222, y223);
                    y220 = ctx.mmaResult(0); y221 = ctx.mmaResult(1); y222 = ctx.mmaResult(2); y223 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, yb20, yb21, y220, y221, y222, y223);
                    y220 = ctx.mmaResult(0); y221 = ctx.mmaResult(1); y222 = ctx.mmaResult(2); y223 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, yb30, yb31, y230, y231, y232, y233);
                    y230 = ctx.mmaResult(0); y231 = ctx.mmaResult(1); y232 = ctx.mmaResult(2); y233 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, yb30, yb31, y230, y231, y232, y233);
                    y230 = ctx.mmaResult(0); y231 = ctx.mmaResult(1); y232 = ctx.mmaResult(2); y233 = ctx.mmaResult(3);
                }
                if (n > 48) { // m-tile 3: pairs 48..63 (n is uniform over the group, as MMAs require)
                    int h30 = xHi[aAt + kc + 48 * STRIDE], h31 = xHi[aAt + kc + 48 * STRIDE + 8 * STRIDE], h32 = xHi[aAt + kc + 48 * STRIDE + 4], h33 = xHi[aAt + kc + 48 * STRIDE + 8 * STRIDE + 4];
                    int l30 = xLo[aAt + kc + 48 * STRIDE], l31 = xLo[aAt + kc + 48 * STRIDE + 8 * STRIDE], l32 = xLo[aAt + kc + 48 * STRIDE + 4], l33 = xLo[aAt + kc + 48 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h30, h31, h32, h33, yb00, yb01, y300, y301, y302, y303);
                    y300 = ctx.mmaResult(0); y301 = ctx.mmaResult(1); y302 = ctx.mmaResult(2); y303 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, yb00, yb01, y300, y301, y302, y303);
                    y300 = ctx.mmaResult(0); y301 = ctx.mmaResult(1); y302 = ctx.mmaResult(2); y303 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, yb10, yb11, y310, y311, y312, y313);
                    y310 = ctx.mmaResult(0); y311 = ctx.mmaResult(1); y312 = ctx.mmaResult(2); y313 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, yb10, yb11, y310, y311, y312, y313);
                    y310 = ctx.mmaResult(0); y311 = ctx.mmaResult(1); y312 = ctx.mmaResult(2); y313 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, yb20, yb21, y320, y321, y322, y323);
                    y320 = ctx.mmaResult(0); y321 = ctx.mmaResult(1); y322 = ctx.mmaResult(2); y323 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, yb20, yb21, y320, y321, y322, y323);
                    y320 = ctx.mmaResult(0); y321 = ctx.mmaResult(1); y322 = ctx.mmaResult(2); y323 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, yb30, yb31, y330, y331, y332, y333);
                    y330 = ctx.mmaResult(0); y331 = ctx.mmaResult(1); y332 = ctx.mmaResult(2); y333 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, yb30, yb31, y330, y331, y332, y333);
                    y330 = ctx.mmaResult(0); y331 = ctx.mmaResult(1); y332 = ctx.mmaResult(2); y333 = ctx.mmaResult(3);
                }
            }
            ctx.localBarrier();
        }
        // y{i}{j}{e}: pair 16i + g (+8 for e ≥ 2), rows r0 + rn + 8j + 2t, +1 (e odd)
        store(out, pairOf, n, dim, 0 + g, r0 + rn + 0 + 2 * t, y000, y001);
        store(out, pairOf, n, dim, 8 + g, r0 + rn + 0 + 2 * t, y002, y003);
        store(out, pairOf, n, dim, 0 + g, r0 + rn + 8 + 2 * t, y010, y011);
        store(out, pairOf, n, dim, 8 + g, r0 + rn + 8 + 2 * t, y012, y013);
        store(out, pairOf, n, dim, 0 + g, r0 + rn + 16 + 2 * t, y020, y021);
        store(out, pairOf, n, dim, 8 + g, r0 + rn + 16 + 2 * t, y022, y023);
        store(out, pairOf, n, dim, 0 + g, r0 + rn + 24 + 2 * t, y030, y031);
        store(out, pairOf, n, dim, 8 + g, r0 + rn + 24 + 2 * t, y032, y033);
        store(out, pairOf, n, dim, 16 + g, r0 + rn + 0 + 2 * t, y100, y101);
        store(out, pairOf, n, dim, 24 + g, r0 + rn + 0 + 2 * t, y102, y103);
        store(out, pairOf, n, dim, 16 + g, r0 + rn + 8 + 2 * t, y110, y111);
        store(out, pairOf, n, dim, 24 + g, r0 + rn + 8 + 2 * t, y112, y113);
        store(out, pairOf, n, dim, 16 + g, r0 + rn + 16 + 2 * t, y120, y121);
        store(out, pairOf, n, dim, 24 + g, r0 + rn + 16 + 2 * t, y122, y123);
        store(out, pairOf, n, dim, 16 + g, r0 + rn + 24 + 2 * t, y130, y131);
        store(out, pairOf, n, dim, 24 + g, r0 + rn + 24 + 2 * t, y132, y133);
        store(out, pairOf, n, dim, 32 + g, r0 + rn + 0 + 2 * t, y200, y201);
        store(out, pairOf, n, dim, 40 + g, r0 + rn + 0 + 2 * t, y202, y203);
        store(out, pairOf, n, dim, 32 + g, r0 + rn + 8 + 2 * t, y210, y211);
        store(out, pairOf, n, dim, 40 + g, r0 + rn + 8 + 2 * t, y212, y213);
        store(out, pairOf, n, dim, 32 + g, r0 + rn + 16 + 2 * t, y220, y221);
        store(out, pairOf, n, dim, 40 + g, r0 + rn + 16 + 2 * t, y222, y223);
        store(out, pairOf, n, dim, 32 + g, r0 + rn + 24 + 2 * t, y230, y231);
        store(out, pairOf, n, dim, 40 + g, r0 + rn + 24 + 2 * t, y232, y233);
        store(out, pairOf, n, dim, 48 + g, r0 + rn + 0 + 2 * t, y300, y301);
        store(out, pairOf, n, dim, 56 + g, r0 + rn + 0 + 2 * t, y302, y303);
        store(out, pairOf, n, dim, 48 + g, r0 + rn + 8 + 2 * t, y310, y311);
        store(out, pairOf, n, dim, 56 + g, r0 + rn + 8 + 2 * t, y312, y313);
        store(out, pairOf, n, dim, 48 + g, r0 + rn + 16 + 2 * t, y320, y321);
        store(out, pairOf, n, dim, 56 + g, r0 + rn + 16 + 2 * t, y322, y323);
        store(out, pairOf, n, dim, 48 + g, r0 + rn + 24 + 2 * t, y330, y331);
        store(out, pairOf, n, dim, 56 + g, r0 + rn + 24 + 2 * t, y332, y333);
    }

    /** Row r's elements k..k+3 of an expert's [rows, cols] matrix as one 8-byte load, 0 outside it. */
    private static long weightQuad(BFloat16Array w, int wBase, int rows, int cols, int r, int k) {
        return r < rows && k < cols ? w.getBits4(wBase + r * cols + k) : 0L;
    }

    /** Element k of the staged row at {@code offset} (-1: a token past the tile's n), 0 outside. */
    private static float input(FloatArray x, int offset, int cols, int k) {
        return offset >= 0 && k < cols ? x.get(offset + k) : 0f;
    }

    /** out[pair of token j][r], r+1, for rows and pairs inside the tile. */
    private static void store(FloatArray out, int[] pairOf, int n, int dim, int j, int r, float v0, float v1) {
        if (j < n) {
            int base = pairOf[j] * dim + r;
            if (r < dim) {
                out.set(base, v0);
            }
            if (r + 1 < dim) {
                out.set(base + 1, v1);
            }
        }
    }
}
