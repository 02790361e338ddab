package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 2: gate and up projections with SiLU·up as a GEMM per expert over the tokens
 * {@link MoeExpertGroups} gathered for it, every routed and the shared expert in one launch:
 * <pre>  act[p][i] = SiLU(w1[e][i] · x[t]) · (w3[e][i] · x[t])      for each pair p = t·slots + slot of tile (e, first, n) </pre>
 * Same output layout as {@link MoeExpertsGateUp} (its per-token reference variant): act [C*slots*I].
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D), D % 4 == 0 (weights staged by 8-byte loads); x [C*D]; pairs [C*slots] and tiles from
 * {@link MoeExpertGroups}.
 * Grid 2D: global ({@code ⌈I/GATE_UP_ROWS⌉·256}, {@code maxTiles}), local (256, 1): groupIdx = block of 128 rows,
 * groupIdy = work tile (tiles past tiles[0] exit). Each depth step stages a 128×32 tile of w1 and of w3 and the
 * tile's 32 gathered token rows in local memory ([depth][row], padded: conflict-free stores and reads), so a
 * weight is read from global memory once per tile of up to 32 tokens. Work-item (row lane 0..31, token lane 0..7)
 * keeps rows lane+32a and tokens lane+8b (a, b &lt; 4) for gate and up in registers: 32 fma per 12 local reads.
 * A warp shares one token lane, so warps whose tokens are all past n skip the arithmetic (small tiles cost their
 * weight reads only).
 */
public final class MoeGroupedGateUp {
    private MoeGroupedGateUp() {
    }

    /** Output rows (of the intermediate width) per work-group. */
    public static final int GATE_UP_ROWS = 128;

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray x, IntArray pairs,
                             IntArray tiles, FloatArray act, IntArray meta, int slots, int inter, int dim) {
        float[] gateW = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (GATE_UP_ROWS + 1)); // [k][row]
        float[] upW = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (GATE_UP_ROWS + 1));   // [k][row]
        float[] xs = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_TOKENS + 1)); // [k][token]
        int[] pairOf = ctx.allocateIntLocalArray(MoeExpertGroups.TILE_TOKENS);
        int[] xRow = ctx.allocateIntLocalArray(MoeExpertGroups.TILE_TOKENS);
        int wStride = GATE_UP_ROWS + 1;
        int xStride = MoeExpertGroups.TILE_TOKENS + 1;
        int tile = ctx.groupIdy;
        if (tile >= tiles.get(0)) {
            return; // uniform over the group: the launch covers the worst case of tiles
        }
        int expert = tiles.get(1 + 3 * tile);
        int first = tiles.get(2 + 3 * tile);
        int n = tiles.get(3 + 3 * tile);
        int lid = ctx.localIdx;
        int tr = lid & 31;
        int tt = lid >> 5;
        int r0 = ctx.groupIdx * GATE_UP_ROWS;
        if (lid < MoeExpertGroups.TILE_TOKENS) {
            int pair = lid < n ? pairs.get(first + lid) : 0;
            pairOf[lid] = pair;
            xRow[lid] = pair / slots * dim;
        }
        ctx.localBarrier();
        int wBase = expert * inter * dim;
        float g00 = 0f, g01 = 0f, g02 = 0f, g03 = 0f, g10 = 0f, g11 = 0f, g12 = 0f, g13 = 0f;
        float g20 = 0f, g21 = 0f, g22 = 0f, g23 = 0f, g30 = 0f, g31 = 0f, g32 = 0f, g33 = 0f;
        float u00 = 0f, u01 = 0f, u02 = 0f, u03 = 0f, u10 = 0f, u11 = 0f, u12 = 0f, u13 = 0f;
        float u20 = 0f, u21 = 0f, u22 = 0f, u23 = 0f, u30 = 0f, u31 = 0f, u32 = 0f, u33 = 0f;
        // staging roles: quad (row sRow + 32i, depth sK..sK+3) of w1 and w3, x (token xTok + 8i, depth xK), i < 4;
        // a warp reads 4 rows × 64 contiguous bytes of weights and one 128-byte x row segment
        int sRow = lid >> 3;
        int sK = (lid & 7) << 2;
        int xTok = lid >> 5;
        int xK = lid & 31;
        int sAt = sK * wStride + sRow;
        int xAt = xK * xStride + xTok;
        long g0, g1, g2, g3, u0, u1, u2, u3; // dim % 4 == 0: a quad is wholly inside or outside dim
        float v0, v1, v2, v3;
        int k0 = 0;
        g0 = r0 + sRow < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow) * dim + k0 + sK) : 0L;
        u0 = r0 + sRow < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow) * dim + k0 + sK) : 0L;
        g1 = r0 + sRow + 32 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 32) * dim + k0 + sK) : 0L;
        u1 = r0 + sRow + 32 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 32) * dim + k0 + sK) : 0L;
        g2 = r0 + sRow + 64 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 64) * dim + k0 + sK) : 0L;
        u2 = r0 + sRow + 64 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 64) * dim + k0 + sK) : 0L;
        g3 = r0 + sRow + 96 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 96) * dim + k0 + sK) : 0L;
        u3 = r0 + sRow + 96 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 96) * dim + k0 + sK) : 0L;
        v0 = xTok < n && k0 + xK < dim ? x.get(xRow[xTok] + k0 + xK) : 0f;
        v1 = xTok + 8 < n && k0 + xK < dim ? x.get(xRow[xTok + 8] + k0 + xK) : 0f;
        v2 = xTok + 16 < n && k0 + xK < dim ? x.get(xRow[xTok + 16] + k0 + xK) : 0f;
        v3 = xTok + 24 < n && k0 + xK < dim ? x.get(xRow[xTok + 24] + k0 + xK) : 0f;
        while (k0 < dim) {
            gateW[sAt] = BFloat16.packedToFloat(g0, 0);
            gateW[sAt + 1 * wStride] = BFloat16.packedToFloat(g0, 1);
            gateW[sAt + 2 * wStride] = BFloat16.packedToFloat(g0, 2);
            gateW[sAt + 3 * wStride] = BFloat16.packedToFloat(g0, 3);
            upW[sAt] = BFloat16.packedToFloat(u0, 0);
            upW[sAt + 1 * wStride] = BFloat16.packedToFloat(u0, 1);
            upW[sAt + 2 * wStride] = BFloat16.packedToFloat(u0, 2);
            upW[sAt + 3 * wStride] = BFloat16.packedToFloat(u0, 3);
            gateW[sAt + 32] = BFloat16.packedToFloat(g1, 0);
            gateW[sAt + 32 + 1 * wStride] = BFloat16.packedToFloat(g1, 1);
            gateW[sAt + 32 + 2 * wStride] = BFloat16.packedToFloat(g1, 2);
            gateW[sAt + 32 + 3 * wStride] = BFloat16.packedToFloat(g1, 3);
            upW[sAt + 32] = BFloat16.packedToFloat(u1, 0);
            upW[sAt + 32 + 1 * wStride] = BFloat16.packedToFloat(u1, 1);
            upW[sAt + 32 + 2 * wStride] = BFloat16.packedToFloat(u1, 2);
            upW[sAt + 32 + 3 * wStride] = BFloat16.packedToFloat(u1, 3);
            gateW[sAt + 64] = BFloat16.packedToFloat(g2, 0);
            gateW[sAt + 64 + 1 * wStride] = BFloat16.packedToFloat(g2, 1);
            gateW[sAt + 64 + 2 * wStride] = BFloat16.packedToFloat(g2, 2);
            gateW[sAt + 64 + 3 * wStride] = BFloat16.packedToFloat(g2, 3);
            upW[sAt + 64] = BFloat16.packedToFloat(u2, 0);
            upW[sAt + 64 + 1 * wStride] = BFloat16.packedToFloat(u2, 1);
            upW[sAt + 64 + 2 * wStride] = BFloat16.packedToFloat(u2, 2);
            upW[sAt + 64 + 3 * wStride] = BFloat16.packedToFloat(u2, 3);
            gateW[sAt + 96] = BFloat16.packedToFloat(g3, 0);
            gateW[sAt + 96 + 1 * wStride] = BFloat16.packedToFloat(g3, 1);
            gateW[sAt + 96 + 2 * wStride] = BFloat16.packedToFloat(g3, 2);
            gateW[sAt + 96 + 3 * wStride] = BFloat16.packedToFloat(g3, 3);
            upW[sAt + 96] = BFloat16.packedToFloat(u3, 0);
            upW[sAt + 96 + 1 * wStride] = BFloat16.packedToFloat(u3, 1);
            upW[sAt + 96 + 2 * wStride] = BFloat16.packedToFloat(u3, 2);
            upW[sAt + 96 + 3 * wStride] = BFloat16.packedToFloat(u3, 3);
            xs[xAt] = v0;
            xs[xAt + 8] = v1;
            xs[xAt + 16] = v2;
            xs[xAt + 24] = v3;
            ctx.localBarrier();
            k0 += MoeExpertGroups.TILE_DEPTH;
            if (k0 < dim) {
                // the next depth step's loads are in flight while this step's fma run
                g0 = r0 + sRow < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow) * dim + k0 + sK) : 0L;
                u0 = r0 + sRow < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow) * dim + k0 + sK) : 0L;
                g1 = r0 + sRow + 32 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 32) * dim + k0 + sK) : 0L;
                u1 = r0 + sRow + 32 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 32) * dim + k0 + sK) : 0L;
                g2 = r0 + sRow + 64 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 64) * dim + k0 + sK) : 0L;
                u2 = r0 + sRow + 64 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 64) * dim + k0 + sK) : 0L;
                g3 = r0 + sRow + 96 < inter && k0 + sK < dim ? w1.getBits4(wBase + (r0 + sRow + 96) * dim + k0 + sK) : 0L;
                u3 = r0 + sRow + 96 < inter && k0 + sK < dim ? w3.getBits4(wBase + (r0 + sRow + 96) * dim + k0 + sK) : 0L;
                v0 = xTok < n && k0 + xK < dim ? x.get(xRow[xTok] + k0 + xK) : 0f;
                v1 = xTok + 8 < n && k0 + xK < dim ? x.get(xRow[xTok + 8] + k0 + xK) : 0f;
                v2 = xTok + 16 < n && k0 + xK < dim ? x.get(xRow[xTok + 16] + k0 + xK) : 0f;
                v3 = xTok + 24 < n && k0 + xK < dim ? x.get(xRow[xTok + 24] + k0 + xK) : 0f;
            }
            if (tt < n) {
                for (int kk = 0; kk < MoeExpertGroups.TILE_DEPTH; kk++) {
                    int wr = kk * wStride + tr;
                    int xr = kk * xStride + tt;
                    float a0 = gateW[wr];
                    float a1 = gateW[wr + 32];
                    float a2 = gateW[wr + 64];
                    float a3 = gateW[wr + 96];
                    float c0 = upW[wr];
                    float c1 = upW[wr + 32];
                    float c2 = upW[wr + 64];
                    float c3 = upW[wr + 96];
                    float x0 = xs[xr];
                    float x1 = xs[xr + 8];
                    float x2 = xs[xr + 16];
                    float x3 = xs[xr + 24];
                    g00 = Math.fma(a0, x0, g00);
                    u00 = Math.fma(c0, x0, u00);
                    g01 = Math.fma(a0, x1, g01);
                    u01 = Math.fma(c0, x1, u01);
                    g02 = Math.fma(a0, x2, g02);
                    u02 = Math.fma(c0, x2, u02);
                    g03 = Math.fma(a0, x3, g03);
                    u03 = Math.fma(c0, x3, u03);
                    g10 = Math.fma(a1, x0, g10);
                    u10 = Math.fma(c1, x0, u10);
                    g11 = Math.fma(a1, x1, g11);
                    u11 = Math.fma(c1, x1, u11);
                    g12 = Math.fma(a1, x2, g12);
                    u12 = Math.fma(c1, x2, u12);
                    g13 = Math.fma(a1, x3, g13);
                    u13 = Math.fma(c1, x3, u13);
                    g20 = Math.fma(a2, x0, g20);
                    u20 = Math.fma(c2, x0, u20);
                    g21 = Math.fma(a2, x1, g21);
                    u21 = Math.fma(c2, x1, u21);
                    g22 = Math.fma(a2, x2, g22);
                    u22 = Math.fma(c2, x2, u22);
                    g23 = Math.fma(a2, x3, g23);
                    u23 = Math.fma(c2, x3, u23);
                    g30 = Math.fma(a3, x0, g30);
                    u30 = Math.fma(c3, x0, u30);
                    g31 = Math.fma(a3, x1, g31);
                    u31 = Math.fma(c3, x1, u31);
                    g32 = Math.fma(a3, x2, g32);
                    u32 = Math.fma(c3, x2, u32);
                    g33 = Math.fma(a3, x3, g33);
                    u33 = Math.fma(c3, x3, u33);
                }
            }
            ctx.localBarrier();
        }
        store(act, pairOf, n, inter, r0 + tr + 0, tt + 0, g00, u00);
        store(act, pairOf, n, inter, r0 + tr + 0, tt + 8, g01, u01);
        store(act, pairOf, n, inter, r0 + tr + 0, tt + 16, g02, u02);
        store(act, pairOf, n, inter, r0 + tr + 0, tt + 24, g03, u03);
        store(act, pairOf, n, inter, r0 + tr + 32, tt + 0, g10, u10);
        store(act, pairOf, n, inter, r0 + tr + 32, tt + 8, g11, u11);
        store(act, pairOf, n, inter, r0 + tr + 32, tt + 16, g12, u12);
        store(act, pairOf, n, inter, r0 + tr + 32, tt + 24, g13, u13);
        store(act, pairOf, n, inter, r0 + tr + 64, tt + 0, g20, u20);
        store(act, pairOf, n, inter, r0 + tr + 64, tt + 8, g21, u21);
        store(act, pairOf, n, inter, r0 + tr + 64, tt + 16, g22, u22);
        store(act, pairOf, n, inter, r0 + tr + 64, tt + 24, g23, u23);
        store(act, pairOf, n, inter, r0 + tr + 96, tt + 0, g30, u30);
        store(act, pairOf, n, inter, r0 + tr + 96, tt + 8, g31, u31);
        store(act, pairOf, n, inter, r0 + tr + 96, tt + 16, g32, u32);
        store(act, pairOf, n, inter, r0 + tr + 96, tt + 24, g33, u33);
    }

    /** act[pair of token j][r] = SiLU(gate)·up, for rows and tokens inside the tile. Inlined by the JIT. */
    static void store(FloatArray act, int[] pairOf, int n, int inter, int r, int j, float gate, float up) {
        if (r < inter && j < n) {
            act.set(pairOf[j] * inter + r, gate / (1f + (float) Math.exp(-gate)) * up);
        }
    }
}
