package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 2: gate and up projections with SiLU·up as a GEMM per expert over the tokens
 * {@link MoeExpertGroups} gathered for it, every routed and the shared expert in one launch:
 * <pre>  act[p][i] = SiLU(w1[e][i] · x[t]) · (w3[e][i] · x[t])      for each pair p = t·slots + slot of tile (e, first, n) </pre>
 * Same output layout as {@link MoeExpertsGateUp} (its per-token reference variant): act [C*slots*I].
 * Shapes: w1, w3 [(E+1)*I*D] bf16 packed (expert e at e·I·D); x [C*D]; pairs [C*slots] and tiles from
 * {@link MoeExpertGroups}.
 * Grid 2D: global ({@code ⌈I/TILE_ROWS⌉·256}, {@code maxTiles}), local (256, 1): groupIdx = block of 64 rows,
 * groupIdy = work tile (tiles past tiles[0] exit). Each depth step stages a 64×32 tile of w1 and of w3 and the
 * tile's 32 gathered token rows in local memory (transposed, padded against bank conflicts), so a weight is read
 * from global memory once per tile of up to 32 tokens; each work-item keeps 4 rows × 2 tokens × (gate, up) in
 * registers. Warps whose tokens are all past n skip the arithmetic (small tiles cost their weight reads only).
 */
public final class MoeGroupedGateUp {
    private MoeGroupedGateUp() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w1, BFloat16Array w3, FloatArray x, IntArray pairs,
                             IntArray tiles, FloatArray act, IntArray meta, int slots, int inter, int dim) {
        float[] gateW = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_ROWS + 1)); // [k][row]
        float[] upW = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_ROWS + 1));   // [k][row]
        float[] xs = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_TOKENS + 1)); // [k][token]
        int[] pairOf = ctx.allocateIntLocalArray(MoeExpertGroups.TILE_TOKENS);
        int rowsT = MoeExpertGroups.TILE_ROWS;
        int depth = MoeExpertGroups.TILE_DEPTH;
        int wStride = rowsT + 1;
        int xStride = MoeExpertGroups.TILE_TOKENS + 1;
        int tile = ctx.groupIdy;
        if (tile >= tiles.get(0)) {
            return; // uniform over the group: the launch covers the worst case of tiles
        }
        int expert = tiles.get(1 + 3 * tile);
        int first = tiles.get(2 + 3 * tile);
        int n = tiles.get(3 + 3 * tile);
        int lid = ctx.localIdx;
        int tr = lid & 15;
        int tt = lid >> 4;
        int r0 = ctx.groupIdx * rowsT;
        if (lid < MoeExpertGroups.TILE_TOKENS) {
            pairOf[lid] = lid < n ? pairs.get(first + lid) : 0;
        }
        ctx.localBarrier();
        int wBase = expert * inter * dim;
        float g00 = 0f, g01 = 0f, g10 = 0f, g11 = 0f, g20 = 0f, g21 = 0f, g30 = 0f, g31 = 0f;
        float u00 = 0f, u01 = 0f, u10 = 0f, u11 = 0f, u20 = 0f, u21 = 0f, u30 = 0f, u31 = 0f;
        for (int k0 = 0; k0 < dim; k0 += depth) {
            for (int e = lid; e < rowsT * depth; e += MoeExpertGroups.GEMM_THREADS) {
                int row = e / depth;
                int kk = e - row * depth;
                int r = r0 + row;
                int k = k0 + kk;
                boolean in = r < inter && k < dim;
                gateW[kk * wStride + row] = in ? Bf16.widen(w1.getBits(wBase + r * dim + k)) : 0f;
                upW[kk * wStride + row] = in ? Bf16.widen(w3.getBits(wBase + r * dim + k)) : 0f;
            }
            for (int e = lid; e < MoeExpertGroups.TILE_TOKENS * depth; e += MoeExpertGroups.GEMM_THREADS) {
                int j = e / depth;
                int kk = e - j * depth;
                int k = k0 + kk;
                xs[kk * xStride + j] = (j < n && k < dim) ? x.get(pairOf[j] / slots * dim + k) : 0f;
            }
            ctx.localBarrier();
            if (tt < n) {
                for (int kk = 0; kk < depth; kk++) {
                    int wr = kk * wStride + tr;
                    float a0 = gateW[wr];
                    float a1 = gateW[wr + 16];
                    float a2 = gateW[wr + 32];
                    float a3 = gateW[wr + 48];
                    float b0 = upW[wr];
                    float b1 = upW[wr + 16];
                    float b2 = upW[wr + 32];
                    float b3 = upW[wr + 48];
                    float x0 = xs[kk * xStride + tt];
                    float x1 = xs[kk * xStride + tt + 16];
                    g00 += a0 * x0;
                    g01 += a0 * x1;
                    g10 += a1 * x0;
                    g11 += a1 * x1;
                    g20 += a2 * x0;
                    g21 += a2 * x1;
                    g30 += a3 * x0;
                    g31 += a3 * x1;
                    u00 += b0 * x0;
                    u01 += b0 * x1;
                    u10 += b1 * x0;
                    u11 += b1 * x1;
                    u20 += b2 * x0;
                    u21 += b2 * x1;
                    u30 += b3 * x0;
                    u31 += b3 * x1;
                }
            }
            ctx.localBarrier();
        }
        store(act, pairOf, n, inter, r0 + tr, tt, g00, u00);
        store(act, pairOf, n, inter, r0 + tr, tt + 16, g01, u01);
        store(act, pairOf, n, inter, r0 + tr + 16, tt, g10, u10);
        store(act, pairOf, n, inter, r0 + tr + 16, tt + 16, g11, u11);
        store(act, pairOf, n, inter, r0 + tr + 32, tt, g20, u20);
        store(act, pairOf, n, inter, r0 + tr + 32, tt + 16, g21, u21);
        store(act, pairOf, n, inter, r0 + tr + 48, tt, g30, u30);
        store(act, pairOf, n, inter, r0 + tr + 48, tt + 16, g31, u31);
    }

    /** act[pair of token j][r] = SiLU(gate)·up, for rows and tokens inside the tile. Inlined by the JIT. */
    static void store(FloatArray act, int[] pairOf, int n, int inter, int r, int j, float gate, float up) {
        if (r < inter && j < n) {
            act.set(pairOf[j] * inter + r, gate / (1f + (float) Math.exp(-gate)) * up);
        }
    }
}
