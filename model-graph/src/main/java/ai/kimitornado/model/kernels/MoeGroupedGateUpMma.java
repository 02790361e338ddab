package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE gate and up projections with SiLU·up on bf16 tensor cores (the MMA variant of {@link MoeGroupedGateUp},
 * same output; that SIMT kernel stays as reference and for devices without native MMA):
 * <pre>  act[p][i] = SiLU(w1[e][i] · x[t]) · (w3[e][i] · x[t])      for each pair p = t·slots + slot of tile (e, first, n) </pre>
 * Tiles of up to {@value #TILE_TOKENS} pairs: the grouping kernels run with {@code tileTokens = TILE_TOKENS} for this
 * kernel (an expert's ~32 tokens of a 1024-token chunk then fit one tile, so its weights are read once per chunk).
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D), D % 4 == 0 (8-byte weight loads); x [C*D];
 * act [C*slots*I]; pairs, tiles from {@link MoeExpertGroupsSplit} / {@link MoeExpertGroups}.
 * Grid 2D: global (⌈I/128⌉·256, maxTiles), local (256, 1): groupIdx = block of 128 intermediate rows, groupIdy =
 * work tile (tiles past tiles[0] exit). Warp w computes rows 16w..16w+15 of gate AND up (4 n8 tiles) for all the
 * tile's tokens (up to 4 m16 tiles), so SiLU(gate)·up is formed in the lane that holds both; m16 tiles wholly past
 * n are skipped (n is uniform over the group, as MMAs require).
 * Precision and staging as {@link GemmBf16Mma}: x split into bf16 hi + lo (two MMAs per tile), K steps of 32 staged
 * in padded int arrays; per 16-deep half step a warp loads 8 W + 8·(m16 tiles) X fragments for 8·(m16 tiles) MMAs.
 * {@code sinkPair}: a spare act row (act holds sinkPair + 1 rows) that the tile's padding tokens point at. Their stores
 * are guarded (j &lt; n), but PoCL (OpenCL C and SPIR-V) was seen to execute some of those guarded stores anyway for a
 * few lanes (zeros into pair 0 when padding pointed there); with the sink such a store is harmless everywhere.
 */
public final class MoeGroupedGateUpMma {
    private MoeGroupedGateUpMma() {
    }

    /** Pairs per work tile (the grouping's tileTokens for this kernel). */
    public static final int TILE_TOKENS = 64;
    /** Output rows per work-group. */
    public static final int GATE_UP_ROWS = 128;
    /** Work-items per work-group (8 warps). */
    public static final int THREADS = 256;
    private static final int TILE_K = 32;
    private static final int STRIDE = GemmBf16Mma.STRIDE;

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray x, IntArray pairs,
                             IntArray tiles, FloatArray act, IntArray meta, int slots, int inter, int dim,
                             int sinkPair) {
        int[] gS = ctx.allocateIntLocalArray(GATE_UP_ROWS * STRIDE);  // [row][k pair] of w1, current K step
        int[] uS = ctx.allocateIntLocalArray(GATE_UP_ROWS * STRIDE);  // [row][k pair] of w3
        int[] xHi = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);  // [token][k pair] bf16(x)
        int[] xLo = ctx.allocateIntLocalArray(TILE_TOKENS * STRIDE);  // [token][k pair] bf16(x - hi)
        int[] pairOf = ctx.allocateIntLocalArray(TILE_TOKENS);
        int[] xRow = ctx.allocateIntLocalArray(TILE_TOKENS);          // x offset of each pair's token
        int tile = ctx.groupIdy;
        if (tile >= tiles.get(0)) {
            return; // uniform over the group: the launch covers the worst case of tiles
        }
        int expert = tiles.get(1 + 3 * tile);
        int first = tiles.get(2 + 3 * tile);
        int n = tiles.get(3 + 3 * tile);
        int lid = ctx.localIdx;
        int r0 = ctx.groupIdx * GATE_UP_ROWS;
        if (lid < TILE_TOKENS) {
            // padding tokens point at the sink row: PoCL was seen to run some guarded stores of them anyway
            int pair = lid < n ? pairs.get(first + lid) : sinkPair;
            pairOf[lid] = pair;
            xRow[lid] = lid < n ? pair / slots * dim : 0;
        }
        ctx.localBarrier();
        int wBase = expert * inter * dim;
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
        int rn = wp * 16; // the warp's first row in the block
        int aAt = g * STRIDE + t;          // A fragment (token row g of m-tile 0, pair t)
        int bAt = (rn + g) * STRIDE + t;   // B fragment (weight row g of the warp's first n-tile, pair t)
        int xm0 = xTok < n ? xRow[xTok] : -1;        // staged tokens' x offsets (-1: past n)
        int xm1 = xTok + 32 < n ? xRow[xTok + 32] : -1;
        int k = 8 * sq;
        long gq00 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 0, k);
        long uq00 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 0, k);
        long gq01 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 0, k + 4);
        long uq01 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 0, k + 4);
        long gq10 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 64, k);
        long uq10 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 64, k);
        long gq11 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 64, k + 4);
        long uq11 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 64, k + 4);

        float g000 = 0f, g001 = 0f, g002 = 0f, g003 = 0f;
        float g010 = 0f, g011 = 0f, g012 = 0f, g013 = 0f;
        float u000 = 0f, u001 = 0f, u002 = 0f, u003 = 0f;
        float u010 = 0f, u011 = 0f, u012 = 0f, u013 = 0f;
        float g100 = 0f, g101 = 0f, g102 = 0f, g103 = 0f;
        float g110 = 0f, g111 = 0f, g112 = 0f, g113 = 0f;
        float u100 = 0f, u101 = 0f, u102 = 0f, u103 = 0f;
        float u110 = 0f, u111 = 0f, u112 = 0f, u113 = 0f;
        float g200 = 0f, g201 = 0f, g202 = 0f, g203 = 0f;
        float g210 = 0f, g211 = 0f, g212 = 0f, g213 = 0f;
        float u200 = 0f, u201 = 0f, u202 = 0f, u203 = 0f;
        float u210 = 0f, u211 = 0f, u212 = 0f, u213 = 0f;
        float g300 = 0f, g301 = 0f, g302 = 0f, g303 = 0f;
        float g310 = 0f, g311 = 0f, g312 = 0f, g313 = 0f;
        float u300 = 0f, u301 = 0f, u302 = 0f, u303 = 0f;
        float u310 = 0f, u311 = 0f, u312 = 0f, u313 = 0f;

        for (int k0 = 0; k0 < dim; k0 += TILE_K) {
            // this step's x (L2-resident gathered rows): loaded here, not a step ahead, so that they are not live
            // across the MMAs (registers: 2 groups of 256 per SM need <= 128)
            int kx = k0 + 4 * xq;
            float x00 = input(x, xm0, dim, kx + 0);
            float x01 = input(x, xm0, dim, kx + 1);
            float x02 = input(x, xm0, dim, kx + 2);
            float x03 = input(x, xm0, dim, kx + 3);
            float x10 = input(x, xm1, dim, kx + 0);
            float x11 = input(x, xm1, dim, kx + 1);
            float x12 = input(x, xm1, dim, kx + 2);
            float x13 = input(x, xm1, dim, kx + 3);
            gS[sAt] = (int) gq00;
            gS[sAt + 1] = (int) (gq00 >>> 32);
            uS[sAt] = (int) uq00;
            uS[sAt + 1] = (int) (uq00 >>> 32);
            gS[sAt + 2] = (int) gq01;
            gS[sAt + 2 + 1] = (int) (gq01 >>> 32);
            uS[sAt + 2] = (int) uq01;
            uS[sAt + 2 + 1] = (int) (uq01 >>> 32);
            gS[sAt + 64 * STRIDE] = (int) gq10;
            gS[sAt + 64 * STRIDE + 1] = (int) (gq10 >>> 32);
            uS[sAt + 64 * STRIDE] = (int) uq10;
            uS[sAt + 64 * STRIDE + 1] = (int) (uq10 >>> 32);
            gS[sAt + 64 * STRIDE + 2] = (int) gq11;
            gS[sAt + 64 * STRIDE + 2 + 1] = (int) (gq11 >>> 32);
            uS[sAt + 64 * STRIDE + 2] = (int) uq11;
            uS[sAt + 64 * STRIDE + 2 + 1] = (int) (uq11 >>> 32);
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
            gq00 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 0, kn);
            uq00 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 0, kn);
            gq01 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 0, kn + 4);
            uq01 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 0, kn + 4);
            gq10 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 64, kn);
            uq10 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 64, kn);
            gq11 = weightQuad(w1, wBase, inter, dim, r0 + sRow + 64, kn + 4);
            uq11 = weightQuad(w3, wBase, inter, dim, r0 + sRow + 64, kn + 4);
            for (int kc = 0; kc < 16; kc += 8) { // two 16-deep halves: pairs kc..kc+7
                int gb00 = gS[bAt + kc];
                int gb01 = gS[bAt + kc + 4];
                int gb10 = gS[bAt + kc + 8 * STRIDE];
                int gb11 = gS[bAt + kc + 8 * STRIDE + 4];
                int ub00 = uS[bAt + kc];
                int ub01 = uS[bAt + kc + 4];
                int ub10 = uS[bAt + kc + 8 * STRIDE];
                int ub11 = uS[bAt + kc + 8 * STRIDE + 4];
                // m-tile 0: pairs 0..15 (every tile has at least one pair). Written out, not a loop with
                // rotating accumulators: that form computed wrong values on PoCL (java was right)
                int h00 = xHi[aAt + kc], h01 = xHi[aAt + kc + 8 * STRIDE], h02 = xHi[aAt + kc + 4], h03 = xHi[aAt + kc + 8 * STRIDE + 4];
                int l00 = xLo[aAt + kc], l01 = xLo[aAt + kc + 8 * STRIDE], l02 = xLo[aAt + kc + 4], l03 = xLo[aAt + kc + 8 * STRIDE + 4];
                ctx.mmaBf16(h00, h01, h02, h03, gb00, gb01, g000, g001, g002, g003);
                g000 = ctx.mmaResult(0); g001 = ctx.mmaResult(1); g002 = ctx.mmaResult(2); g003 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, gb00, gb01, g000, g001, g002, g003);
                g000 = ctx.mmaResult(0); g001 = ctx.mmaResult(1); g002 = ctx.mmaResult(2); g003 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, gb10, gb11, g010, g011, g012, g013);
                g010 = ctx.mmaResult(0); g011 = ctx.mmaResult(1); g012 = ctx.mmaResult(2); g013 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, gb10, gb11, g010, g011, g012, g013);
                g010 = ctx.mmaResult(0); g011 = ctx.mmaResult(1); g012 = ctx.mmaResult(2); g013 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, ub00, ub01, u000, u001, u002, u003);
                u000 = ctx.mmaResult(0); u001 = ctx.mmaResult(1); u002 = ctx.mmaResult(2); u003 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, ub00, ub01, u000, u001, u002, u003);
                u000 = ctx.mmaResult(0); u001 = ctx.mmaResult(1); u002 = ctx.mmaResult(2); u003 = ctx.mmaResult(3);
                ctx.mmaBf16(h00, h01, h02, h03, ub10, ub11, u010, u011, u012, u013);
                u010 = ctx.mmaResult(0); u011 = ctx.mmaResult(1); u012 = ctx.mmaResult(2); u013 = ctx.mmaResult(3);
                ctx.mmaBf16(l00, l01, l02, l03, ub10, ub11, u010, u011, u012, u013);
                u010 = ctx.mmaResult(0); u011 = ctx.mmaResult(1); u012 = ctx.mmaResult(2); u013 = ctx.mmaResult(3);
                if (n > 16) { // m-tile 1: pairs 16..31 (n is uniform over the group, as MMAs require)
                    int h10 = xHi[aAt + kc + 16 * STRIDE], h11 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE], h12 = xHi[aAt + kc + 16 * STRIDE + 4], h13 = xHi[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                    int l10 = xLo[aAt + kc + 16 * STRIDE], l11 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE], l12 = xLo[aAt + kc + 16 * STRIDE + 4], l13 = xLo[aAt + kc + 16 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h10, h11, h12, h13, gb00, gb01, g100, g101, g102, g103);
                    g100 = ctx.mmaResult(0); g101 = ctx.mmaResult(1); g102 = ctx.mmaResult(2); g103 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, gb00, gb01, g100, g101, g102, g103);
                    g100 = ctx.mmaResult(0); g101 = ctx.mmaResult(1); g102 = ctx.mmaResult(2); g103 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, gb10, gb11, g110, g111, g112, g113);
                    g110 = ctx.mmaResult(0); g111 = ctx.mmaResult(1); g112 = ctx.mmaResult(2); g113 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, gb10, gb11, g110, g111, g112, g113);
                    g110 = ctx.mmaResult(0); g111 = ctx.mmaResult(1); g112 = ctx.mmaResult(2); g113 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, ub00, ub01, u100, u101, u102, u103);
                    u100 = ctx.mmaResult(0); u101 = ctx.mmaResult(1); u102 = ctx.mmaResult(2); u103 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, ub00, ub01, u100, u101, u102, u103);
                    u100 = ctx.mmaResult(0); u101 = ctx.mmaResult(1); u102 = ctx.mmaResult(2); u103 = ctx.mmaResult(3);
                    ctx.mmaBf16(h10, h11, h12, h13, ub10, ub11, u110, u111, u112, u113);
                    u110 = ctx.mmaResult(0); u111 = ctx.mmaResult(1); u112 = ctx.mmaResult(2); u113 = ctx.mmaResult(3);
                    ctx.mmaBf16(l10, l11, l12, l13, ub10, ub11, u110, u111, u112, u113);
                    u110 = ctx.mmaResult(0); u111 = ctx.mmaResult(1); u112 = ctx.mmaResult(2); u113 = ctx.mmaResult(3);
                }
                if (n > 32) { // m-tile 2: pairs 32..47 (n is uniform over the group, as MMAs require)
                    int h20 = xHi[aAt + kc + 32 * STRIDE], h21 = xHi[aAt + kc + 32 * STRIDE + 8 * STRIDE], h22 = xHi[aAt + kc + 32 * STRIDE + 4], h23 = xHi[aAt + kc + 32 * STRIDE + 8 * STRIDE + 4];
                    int l20 = xLo[aAt + kc + 32 * STRIDE], l21 = xLo[aAt + kc + 32 * STRIDE + 8 * STRIDE], l22 = xLo[aAt + kc + 32 * STRIDE + 4], l23 = xLo[aAt + kc + 32 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h20, h21, h22, h23, gb00, gb01, g200, g201, g202, g203);
                    g200 = ctx.mmaResult(0); g201 = ctx.mmaResult(1); g202 = ctx.mmaResult(2); g203 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, gb00, gb01, g200, g201, g202, g203);
                    g200 = ctx.mmaResult(0); g201 = ctx.mmaResult(1); g202 = ctx.mmaResult(2); g203 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, gb10, gb11, g210, g211, g212, g213);
                    g210 = ctx.mmaResult(0); g211 = ctx.mmaResult(1); g212 = ctx.mmaResult(2); g213 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, gb10, gb11, g210, g211, g212, g213);
                    g210 = ctx.mmaResult(0); g211 = ctx.mmaResult(1); g212 = ctx.mmaResult(2); g213 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, ub00, ub01, u200, u201, u202, u203);
                    u200 = ctx.mmaResult(0); u201 = ctx.mmaResult(1); u202 = ctx.mmaResult(2); u203 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, ub00, ub01, u200, u201, u202, u203);
                    u200 = ctx.mmaResult(0); u201 = ctx.mmaResult(1); u202 = ctx.mmaResult(2); u203 = ctx.mmaResult(3);
                    ctx.mmaBf16(h20, h21, h22, h23, ub10, ub11, u210, u211, u212, u213);
                    u210 = ctx.mmaResult(0); u211 = ctx.mmaResult(1); u212 = ctx.mmaResult(2); u213 = ctx.mmaResult(3);
                    ctx.mmaBf16(l20, l21, l22, l23, ub10, ub11, u210, u211, u212, u213);
                    u210 = ctx.mmaResult(0); u211 = ctx.mmaResult(1); u212 = ctx.mmaResult(2); u213 = ctx.mmaResult(3);
                }
                if (n > 48) { // m-tile 3: pairs 48..63 (n is uniform over the group, as MMAs require)
                    int h30 = xHi[aAt + kc + 48 * STRIDE], h31 = xHi[aAt + kc + 48 * STRIDE + 8 * STRIDE], h32 = xHi[aAt + kc + 48 * STRIDE + 4], h33 = xHi[aAt + kc + 48 * STRIDE + 8 * STRIDE + 4];
                    int l30 = xLo[aAt + kc + 48 * STRIDE], l31 = xLo[aAt + kc + 48 * STRIDE + 8 * STRIDE], l32 = xLo[aAt + kc + 48 * STRIDE + 4], l33 = xLo[aAt + kc + 48 * STRIDE + 8 * STRIDE + 4];
                    ctx.mmaBf16(h30, h31, h32, h33, gb00, gb01, g300, g301, g302, g303);
                    g300 = ctx.mmaResult(0); g301 = ctx.mmaResult(1); g302 = ctx.mmaResult(2); g303 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, gb00, gb01, g300, g301, g302, g303);
                    g300 = ctx.mmaResult(0); g301 = ctx.mmaResult(1); g302 = ctx.mmaResult(2); g303 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, gb10, gb11, g310, g311, g312, g313);
                    g310 = ctx.mmaResult(0); g311 = ctx.mmaResult(1); g312 = ctx.mmaResult(2); g313 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, gb10, gb11, g310, g311, g312, g313);
                    g310 = ctx.mmaResult(0); g311 = ctx.mmaResult(1); g312 = ctx.mmaResult(2); g313 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, ub00, ub01, u300, u301, u302, u303);
                    u300 = ctx.mmaResult(0); u301 = ctx.mmaResult(1); u302 = ctx.mmaResult(2); u303 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, ub00, ub01, u300, u301, u302, u303);
                    u300 = ctx.mmaResult(0); u301 = ctx.mmaResult(1); u302 = ctx.mmaResult(2); u303 = ctx.mmaResult(3);
                    ctx.mmaBf16(h30, h31, h32, h33, ub10, ub11, u310, u311, u312, u313);
                    u310 = ctx.mmaResult(0); u311 = ctx.mmaResult(1); u312 = ctx.mmaResult(2); u313 = ctx.mmaResult(3);
                    ctx.mmaBf16(l30, l31, l32, l33, ub10, ub11, u310, u311, u312, u313);
                    u310 = ctx.mmaResult(0); u311 = ctx.mmaResult(1); u312 = ctx.mmaResult(2); u313 = ctx.mmaResult(3);
                }
            }
            ctx.localBarrier();
        }
        // g/u{i}{j}{e}: pair 16i + g (+8 for e ≥ 2), rows r0 + rn + 8j + 2t, +1 (e odd)
        store(act, pairOf, n, inter, 0 + g, r0 + rn + 0 + 2 * t, g000, u000, g001, u001);
        store(act, pairOf, n, inter, 8 + g, r0 + rn + 0 + 2 * t, g002, u002, g003, u003);
        store(act, pairOf, n, inter, 0 + g, r0 + rn + 8 + 2 * t, g010, u010, g011, u011);
        store(act, pairOf, n, inter, 8 + g, r0 + rn + 8 + 2 * t, g012, u012, g013, u013);
        store(act, pairOf, n, inter, 16 + g, r0 + rn + 0 + 2 * t, g100, u100, g101, u101);
        store(act, pairOf, n, inter, 24 + g, r0 + rn + 0 + 2 * t, g102, u102, g103, u103);
        store(act, pairOf, n, inter, 16 + g, r0 + rn + 8 + 2 * t, g110, u110, g111, u111);
        store(act, pairOf, n, inter, 24 + g, r0 + rn + 8 + 2 * t, g112, u112, g113, u113);
        store(act, pairOf, n, inter, 32 + g, r0 + rn + 0 + 2 * t, g200, u200, g201, u201);
        store(act, pairOf, n, inter, 40 + g, r0 + rn + 0 + 2 * t, g202, u202, g203, u203);
        store(act, pairOf, n, inter, 32 + g, r0 + rn + 8 + 2 * t, g210, u210, g211, u211);
        store(act, pairOf, n, inter, 40 + g, r0 + rn + 8 + 2 * t, g212, u212, g213, u213);
        store(act, pairOf, n, inter, 48 + g, r0 + rn + 0 + 2 * t, g300, u300, g301, u301);
        store(act, pairOf, n, inter, 56 + g, r0 + rn + 0 + 2 * t, g302, u302, g303, u303);
        store(act, pairOf, n, inter, 48 + g, r0 + rn + 8 + 2 * t, g310, u310, g311, u311);
        store(act, pairOf, n, inter, 56 + g, r0 + rn + 8 + 2 * t, g312, u312, g313, u313);
    }

    /** Row r's elements k..k+3 of an expert's [rows, cols] matrix as one 8-byte load, 0 outside it. */
    private static long weightQuad(BFloat16Array w, int wBase, int rows, int cols, int r, int k) {
        return r < rows && k < cols ? w.getBits4(wBase + r * cols + k) : 0L;
    }

    /** Element k of the staged row at {@code offset} (-1: a token past the tile's n), 0 outside. */
    private static float input(FloatArray x, int offset, int cols, int k) {
        return offset >= 0 && k < cols ? x.get(offset + k) : 0f;
    }

    /** act[pair of token j][r], r+1 = SiLU(gate)·up, for rows and tokens inside the tile. */
    private static void store(FloatArray act, int[] pairOf, int n, int inter, int j, int r, float gate0, float up0,
                              float gate1, float up1) {
        if (j < n) {
            int base = pairOf[j] * inter + r;
            if (r < inter) {
                act.set(base, gate0 / (1f + (float) Math.exp(-gate0)) * up0);
            }
            if (r + 1 < inter) {
                act.set(base + 1, gate1 / (1f + (float) Math.exp(-gate1)) * up1);
            }
        }
    }
}
