package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 3: down projection as a GEMM per expert over its gathered pairs, writing one unweighted row per
 * (token, slot) pair ({@link MoeCombineSlots} then adds them into h in fixed slot order):
 * <pre>  out[p][d] = w2[e][d] · act[p]      for each pair p of tile (e, first, n) </pre>
 * Shapes: w2 [(E+1)*D*I] bf16 packed (expert e at e·D·I), I % 4 == 0 (weights staged by 8-byte loads); act [C*slots*I]; out [C*slots*D]; pairs, tiles from
 * {@link MoeExpertGroups}.
 * Grid 2D: global ({@code ⌈D/DOWN_ROWS⌉·256}, {@code maxTiles}), local (256, 1); tiling as
 * {@link MoeGroupedGateUp} with one matrix: 256 rows × 32 pairs per group, depth 32 per step, work-item
 * (row lane 0..31, pair lane 0..7) keeps rows lane+32a (a &lt; 8) × pairs lane+8b (b &lt; 4): 32 fma per 12 local reads.
 */
public final class MoeGroupedDown {
    private MoeGroupedDown() {
    }

    /** Output rows (of the hidden size) per work-group. */
    public static final int DOWN_ROWS = 256;

    public static void apply(KernelContext ctx, BFloat16Array w2, FloatArray act, IntArray pairs, IntArray tiles,
                             FloatArray out, IntArray meta, int inter, int dim) {
        float[] ws = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (DOWN_ROWS + 1)); // [k][row]
        float[] as = ctx.allocateFloatLocalArray(MoeExpertGroups.TILE_DEPTH * (MoeExpertGroups.TILE_TOKENS + 1)); // [k][pair]
        int[] pairOf = ctx.allocateIntLocalArray(MoeExpertGroups.TILE_TOKENS);
        int wStride = DOWN_ROWS + 1;
        int aStride = MoeExpertGroups.TILE_TOKENS + 1;
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
        int r0 = ctx.groupIdx * DOWN_ROWS;
        if (lid < MoeExpertGroups.TILE_TOKENS) {
            pairOf[lid] = lid < n ? pairs.get(first + lid) : 0;
        }
        ctx.localBarrier();
        int wBase = expert * dim * inter;
        float y00 = 0f, y01 = 0f, y02 = 0f, y03 = 0f;
        float y10 = 0f, y11 = 0f, y12 = 0f, y13 = 0f;
        float y20 = 0f, y21 = 0f, y22 = 0f, y23 = 0f;
        float y30 = 0f, y31 = 0f, y32 = 0f, y33 = 0f;
        float y40 = 0f, y41 = 0f, y42 = 0f, y43 = 0f;
        float y50 = 0f, y51 = 0f, y52 = 0f, y53 = 0f;
        float y60 = 0f, y61 = 0f, y62 = 0f, y63 = 0f;
        float y70 = 0f, y71 = 0f, y72 = 0f, y73 = 0f;
        // staging roles: quad (row sRow + 32i, depth sK..sK+3) of w2 (i < 8), act (pair xTok + 8i, depth xK) (i < 4)
        int sRow = lid >> 3;
        int sK = (lid & 7) << 2;
        int xTok = lid >> 5;
        int xK = lid & 31;
        int sAt = sK * wStride + sRow;
        int xAt = xK * aStride + xTok;
        long q0, q1, q2, q3, q4, q5, q6, q7; // inter % 4 == 0: a quad is wholly inside or outside inter
        float v0, v1, v2, v3;
        int k0 = 0;
        q0 = r0 + sRow < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow) * inter + k0 + sK) : 0L;
        q1 = r0 + sRow + 32 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 32) * inter + k0 + sK) : 0L;
        q2 = r0 + sRow + 64 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 64) * inter + k0 + sK) : 0L;
        q3 = r0 + sRow + 96 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 96) * inter + k0 + sK) : 0L;
        q4 = r0 + sRow + 128 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 128) * inter + k0 + sK) : 0L;
        q5 = r0 + sRow + 160 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 160) * inter + k0 + sK) : 0L;
        q6 = r0 + sRow + 192 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 192) * inter + k0 + sK) : 0L;
        q7 = r0 + sRow + 224 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 224) * inter + k0 + sK) : 0L;
        v0 = xTok < n && k0 + xK < inter ? act.get(pairOf[xTok] * inter + k0 + xK) : 0f;
        v1 = xTok + 8 < n && k0 + xK < inter ? act.get(pairOf[xTok + 8] * inter + k0 + xK) : 0f;
        v2 = xTok + 16 < n && k0 + xK < inter ? act.get(pairOf[xTok + 16] * inter + k0 + xK) : 0f;
        v3 = xTok + 24 < n && k0 + xK < inter ? act.get(pairOf[xTok + 24] * inter + k0 + xK) : 0f;
        while (k0 < inter) {
            ws[sAt] = BFloat16.packedToFloat(q0, 0);
            ws[sAt + 1 * wStride] = BFloat16.packedToFloat(q0, 1);
            ws[sAt + 2 * wStride] = BFloat16.packedToFloat(q0, 2);
            ws[sAt + 3 * wStride] = BFloat16.packedToFloat(q0, 3);
            ws[sAt + 32] = BFloat16.packedToFloat(q1, 0);
            ws[sAt + 32 + 1 * wStride] = BFloat16.packedToFloat(q1, 1);
            ws[sAt + 32 + 2 * wStride] = BFloat16.packedToFloat(q1, 2);
            ws[sAt + 32 + 3 * wStride] = BFloat16.packedToFloat(q1, 3);
            ws[sAt + 64] = BFloat16.packedToFloat(q2, 0);
            ws[sAt + 64 + 1 * wStride] = BFloat16.packedToFloat(q2, 1);
            ws[sAt + 64 + 2 * wStride] = BFloat16.packedToFloat(q2, 2);
            ws[sAt + 64 + 3 * wStride] = BFloat16.packedToFloat(q2, 3);
            ws[sAt + 96] = BFloat16.packedToFloat(q3, 0);
            ws[sAt + 96 + 1 * wStride] = BFloat16.packedToFloat(q3, 1);
            ws[sAt + 96 + 2 * wStride] = BFloat16.packedToFloat(q3, 2);
            ws[sAt + 96 + 3 * wStride] = BFloat16.packedToFloat(q3, 3);
            ws[sAt + 128] = BFloat16.packedToFloat(q4, 0);
            ws[sAt + 128 + 1 * wStride] = BFloat16.packedToFloat(q4, 1);
            ws[sAt + 128 + 2 * wStride] = BFloat16.packedToFloat(q4, 2);
            ws[sAt + 128 + 3 * wStride] = BFloat16.packedToFloat(q4, 3);
            ws[sAt + 160] = BFloat16.packedToFloat(q5, 0);
            ws[sAt + 160 + 1 * wStride] = BFloat16.packedToFloat(q5, 1);
            ws[sAt + 160 + 2 * wStride] = BFloat16.packedToFloat(q5, 2);
            ws[sAt + 160 + 3 * wStride] = BFloat16.packedToFloat(q5, 3);
            ws[sAt + 192] = BFloat16.packedToFloat(q6, 0);
            ws[sAt + 192 + 1 * wStride] = BFloat16.packedToFloat(q6, 1);
            ws[sAt + 192 + 2 * wStride] = BFloat16.packedToFloat(q6, 2);
            ws[sAt + 192 + 3 * wStride] = BFloat16.packedToFloat(q6, 3);
            ws[sAt + 224] = BFloat16.packedToFloat(q7, 0);
            ws[sAt + 224 + 1 * wStride] = BFloat16.packedToFloat(q7, 1);
            ws[sAt + 224 + 2 * wStride] = BFloat16.packedToFloat(q7, 2);
            ws[sAt + 224 + 3 * wStride] = BFloat16.packedToFloat(q7, 3);
            as[xAt] = v0;
            as[xAt + 8] = v1;
            as[xAt + 16] = v2;
            as[xAt + 24] = v3;
            ctx.localBarrier();
            k0 += MoeExpertGroups.TILE_DEPTH;
            if (k0 < inter) {
                // the next depth step's loads are in flight while this step's fma run
                q0 = r0 + sRow < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow) * inter + k0 + sK) : 0L;
                q1 = r0 + sRow + 32 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 32) * inter + k0 + sK) : 0L;
                q2 = r0 + sRow + 64 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 64) * inter + k0 + sK) : 0L;
                q3 = r0 + sRow + 96 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 96) * inter + k0 + sK) : 0L;
                q4 = r0 + sRow + 128 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 128) * inter + k0 + sK) : 0L;
                q5 = r0 + sRow + 160 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 160) * inter + k0 + sK) : 0L;
                q6 = r0 + sRow + 192 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 192) * inter + k0 + sK) : 0L;
                q7 = r0 + sRow + 224 < dim && k0 + sK < inter ? w2.getBits4(wBase + (r0 + sRow + 224) * inter + k0 + sK) : 0L;
                v0 = xTok < n && k0 + xK < inter ? act.get(pairOf[xTok] * inter + k0 + xK) : 0f;
                v1 = xTok + 8 < n && k0 + xK < inter ? act.get(pairOf[xTok + 8] * inter + k0 + xK) : 0f;
                v2 = xTok + 16 < n && k0 + xK < inter ? act.get(pairOf[xTok + 16] * inter + k0 + xK) : 0f;
                v3 = xTok + 24 < n && k0 + xK < inter ? act.get(pairOf[xTok + 24] * inter + k0 + xK) : 0f;
            }
            if (tt < n) {
                for (int kk = 0; kk < MoeExpertGroups.TILE_DEPTH; kk++) {
                    int wr = kk * wStride + tr;
                    int xr = kk * aStride + tt;
                    float a0 = ws[wr];
                    float a1 = ws[wr + 32];
                    float a2 = ws[wr + 64];
                    float a3 = ws[wr + 96];
                    float a4 = ws[wr + 128];
                    float a5 = ws[wr + 160];
                    float a6 = ws[wr + 192];
                    float a7 = ws[wr + 224];
                    float x0 = as[xr];
                    float x1 = as[xr + 8];
                    float x2 = as[xr + 16];
                    float x3 = as[xr + 24];
                    y00 = Math.fma(a0, x0, y00);
                    y01 = Math.fma(a0, x1, y01);
                    y02 = Math.fma(a0, x2, y02);
                    y03 = Math.fma(a0, x3, y03);
                    y10 = Math.fma(a1, x0, y10);
                    y11 = Math.fma(a1, x1, y11);
                    y12 = Math.fma(a1, x2, y12);
                    y13 = Math.fma(a1, x3, y13);
                    y20 = Math.fma(a2, x0, y20);
                    y21 = Math.fma(a2, x1, y21);
                    y22 = Math.fma(a2, x2, y22);
                    y23 = Math.fma(a2, x3, y23);
                    y30 = Math.fma(a3, x0, y30);
                    y31 = Math.fma(a3, x1, y31);
                    y32 = Math.fma(a3, x2, y32);
                    y33 = Math.fma(a3, x3, y33);
                    y40 = Math.fma(a4, x0, y40);
                    y41 = Math.fma(a4, x1, y41);
                    y42 = Math.fma(a4, x2, y42);
                    y43 = Math.fma(a4, x3, y43);
                    y50 = Math.fma(a5, x0, y50);
                    y51 = Math.fma(a5, x1, y51);
                    y52 = Math.fma(a5, x2, y52);
                    y53 = Math.fma(a5, x3, y53);
                    y60 = Math.fma(a6, x0, y60);
                    y61 = Math.fma(a6, x1, y61);
                    y62 = Math.fma(a6, x2, y62);
                    y63 = Math.fma(a6, x3, y63);
                    y70 = Math.fma(a7, x0, y70);
                    y71 = Math.fma(a7, x1, y71);
                    y72 = Math.fma(a7, x2, y72);
                    y73 = Math.fma(a7, x3, y73);
                }
            }
            ctx.localBarrier();
        }
        store(out, pairOf, n, dim, r0 + tr + 0, tt + 0, y00);
        store(out, pairOf, n, dim, r0 + tr + 0, tt + 8, y01);
        store(out, pairOf, n, dim, r0 + tr + 0, tt + 16, y02);
        store(out, pairOf, n, dim, r0 + tr + 0, tt + 24, y03);
        store(out, pairOf, n, dim, r0 + tr + 32, tt + 0, y10);
        store(out, pairOf, n, dim, r0 + tr + 32, tt + 8, y11);
        store(out, pairOf, n, dim, r0 + tr + 32, tt + 16, y12);
        store(out, pairOf, n, dim, r0 + tr + 32, tt + 24, y13);
        store(out, pairOf, n, dim, r0 + tr + 64, tt + 0, y20);
        store(out, pairOf, n, dim, r0 + tr + 64, tt + 8, y21);
        store(out, pairOf, n, dim, r0 + tr + 64, tt + 16, y22);
        store(out, pairOf, n, dim, r0 + tr + 64, tt + 24, y23);
        store(out, pairOf, n, dim, r0 + tr + 96, tt + 0, y30);
        store(out, pairOf, n, dim, r0 + tr + 96, tt + 8, y31);
        store(out, pairOf, n, dim, r0 + tr + 96, tt + 16, y32);
        store(out, pairOf, n, dim, r0 + tr + 96, tt + 24, y33);
        store(out, pairOf, n, dim, r0 + tr + 128, tt + 0, y40);
        store(out, pairOf, n, dim, r0 + tr + 128, tt + 8, y41);
        store(out, pairOf, n, dim, r0 + tr + 128, tt + 16, y42);
        store(out, pairOf, n, dim, r0 + tr + 128, tt + 24, y43);
        store(out, pairOf, n, dim, r0 + tr + 160, tt + 0, y50);
        store(out, pairOf, n, dim, r0 + tr + 160, tt + 8, y51);
        store(out, pairOf, n, dim, r0 + tr + 160, tt + 16, y52);
        store(out, pairOf, n, dim, r0 + tr + 160, tt + 24, y53);
        store(out, pairOf, n, dim, r0 + tr + 192, tt + 0, y60);
        store(out, pairOf, n, dim, r0 + tr + 192, tt + 8, y61);
        store(out, pairOf, n, dim, r0 + tr + 192, tt + 16, y62);
        store(out, pairOf, n, dim, r0 + tr + 192, tt + 24, y63);
        store(out, pairOf, n, dim, r0 + tr + 224, tt + 0, y70);
        store(out, pairOf, n, dim, r0 + tr + 224, tt + 8, y71);
        store(out, pairOf, n, dim, r0 + tr + 224, tt + 16, y72);
        store(out, pairOf, n, dim, r0 + tr + 224, tt + 24, y73);
    }

    /** out[pair of token j][r] = value, for rows and pairs inside the tile. Inlined by the JIT. */
    static void store(FloatArray out, int[] pairOf, int n, int dim, int r, int j, float value) {
        if (r < dim && j < n) {
            out.set(pairOf[j] * dim + r, value);
        }
    }
}
