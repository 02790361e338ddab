package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 3: down projection as a GEMM per expert over its gathered pairs, writing one unweighted row per
 * (token, slot) pair ({@link MoeCombineSlots} then adds them into h in fixed slot order):
 * <pre>  out[p][d] = w2[e][d] · act[p]      for each pair p of tile (e, first, n) </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I); act [C*slots*I]; out [C*slots*D]; pairs, tiles from
 * {@link MoeExpertGroups}.
 * Grid 2D: global ({@code ⌈D/TILE_ROWS⌉·256}, {@code maxTiles}), local (256, 1); same tiling as
 * {@link MoeGroupedGateUp}: 64 rows × 32 pairs per group, 4 rows × 2 pairs per work-item, depth 32 per step.
 */
public final class MoeGroupedDown {
    private MoeGroupedDown() {
    }

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray pairs, IntArray tiles,
                             FloatArray out, IntArray meta, int inter, int dim) {
        float[] ws = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_ROWS + 1)); // [k][row]
        float[] as = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_TOKENS + 1)); // [k][pair]
        int[] pairOf = ctx.allocateIntLocalArray(MoeExpertGroups.TILE_TOKENS);
        int rowsT = MoeExpertGroups.TILE_ROWS;
        int depth = MoeExpertGroups.TILE_DEPTH;
        int wStride = rowsT + 1;
        int aStride = MoeExpertGroups.TILE_TOKENS + 1;
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
        int wBase = expert * dim * inter;
        float y00 = 0f, y01 = 0f, y10 = 0f, y11 = 0f, y20 = 0f, y21 = 0f, y30 = 0f, y31 = 0f;
        for (int k0 = 0; k0 < inter; k0 += depth) {
            for (int e = lid; e < rowsT * depth; e += MoeExpertGroups.GEMM_THREADS) {
                int row = e / depth;
                int kk = e - row * depth;
                int r = r0 + row;
                int k = k0 + kk;
                ws[kk * wStride + row] = (r < dim && k < inter) ? Bf16.widen(w2.getBits(wBase + r * inter + k)) : 0f;
            }
            for (int e = lid; e < MoeExpertGroups.TILE_TOKENS * depth; e += MoeExpertGroups.GEMM_THREADS) {
                int j = e / depth;
                int kk = e - j * depth;
                int k = k0 + kk;
                as[kk * aStride + j] = (j < n && k < inter) ? act.get(pairOf[j] * inter + k) : 0f;
            }
            ctx.localBarrier();
            if (tt < n) {
                for (int kk = 0; kk < depth; kk++) {
                    int wr = kk * wStride + tr;
                    float a0 = ws[wr];
                    float a1 = ws[wr + 16];
                    float a2 = ws[wr + 32];
                    float a3 = ws[wr + 48];
                    float x0 = as[kk * aStride + tt];
                    float x1 = as[kk * aStride + tt + 16];
                    y00 += a0 * x0;
                    y01 += a0 * x1;
                    y10 += a1 * x0;
                    y11 += a1 * x1;
                    y20 += a2 * x0;
                    y21 += a2 * x1;
                    y30 += a3 * x0;
                    y31 += a3 * x1;
                }
            }
            ctx.localBarrier();
        }
        store(out, pairOf, n, dim, r0 + tr, tt, y00);
        store(out, pairOf, n, dim, r0 + tr, tt + 16, y01);
        store(out, pairOf, n, dim, r0 + tr + 16, tt, y10);
        store(out, pairOf, n, dim, r0 + tr + 16, tt + 16, y11);
        store(out, pairOf, n, dim, r0 + tr + 32, tt, y20);
        store(out, pairOf, n, dim, r0 + tr + 32, tt + 16, y21);
        store(out, pairOf, n, dim, r0 + tr + 48, tt, y30);
        store(out, pairOf, n, dim, r0 + tr + 48, tt + 16, y31);
    }

    /** out[pair of token j][r] = value, for rows and pairs inside the tile. Inlined by the JIT. */
    static void store(FloatArray out, int[] pairOf, int n, int dim, int r, int j, float value) {
        if (r < dim && j < n) {
            out.set(pairOf[j] * dim + r, value);
        }
    }
}
