package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA prefill attention in the expanded form (KIMI_LINEAR.md §3.5, what DeepSeek/vLLM run for prefill): per head
 * ordinary causal flash attention with q·k over nope + rope dims and P·V over v dims, on keys/values expanded from
 * the latent cache by {@link MlaHeadGemm#expandCache} (k_rope is the cache's shared, unrotated rope part).
 * <pre>
 *   score_h(t,s) = (q_nope_h(t)·k_nope_h(s) + q_rope_h(t)·kr_s) · scale,   s ≤ position + t
 *   out[t][h·v + e] = Σ_s softmax_s(score_h(t,·)) · v_h(s)[e]
 * </pre>
 * Per (query, key, head) 2·(nope + rope + v) = 640 flops for the real model, against 2·(kvLora + rope + kvLora) =
 * 2,176 in the absorbed form ({@link MlaFlashPrefill}, which stays as the reference and for contexts whose expanded
 * scratch would not fit). Same output as {@code MlaHeadGemm.valueUp} after the absorbed attention: [C × H·v].
 * <p>Shapes: q [C * H*(nope+rope)] (b.mlaQ), kv [S * H*(nope+v)] expanded rows (k_nope | v per head), cache
 * [S * (kvLora+rope)] (positions 0..position+count−1 valid), out [C * H*v]; v ≤ {@value #MAX_V}.
 * Grid: global (⌈C/64⌉·H·256), local (256): one work-group per (query tile of 64, head); groups are taken in reverse
 * so the last query tiles (the most keys under the causal mask) start first. Query tiles past the chunk's count exit.
 * <p>A work-item owns 4 query rows (tq + 16i) of the tile: it scores them against 4 keys (tk + 16j) of each 64-key
 * tile over 32-dim chunks of q and k staged in local memory as float <em>pairs</em> packed in longs (the JIT has no
 * vector local loads): per 2 dims 8 eight-byte loads for 32 fma (rows padded to 17 longs: conflict-free). It then
 * accumulates 4 rows × 8 value columns (2tk, 2tk+1, 2tk+32, 2tk+33 of each 64-column half, staged as column pairs):
 * per key 4 p loads + 2 pair loads for 16 fma. Online softmax: tile row maxima through a [64][16] local table; each
 * work-item keeps its part of the row sums (the rescale factor is common to the row), added once at the end.
 * The next q/k chunk's and the second value half's global loads are issued before the fma of the current one, so
 * only a key tile's first chunk and first half wait for memory. 38.1 KB of local memory.
 */
public final class MlaExpandedPrefill {
    private MlaExpandedPrefill() {
    }

    /** Work-items per group (the roles below assume exactly this many). */
    public static final int THREADS = 256;
    /** Queries per work-group. */
    public static final int QUERY_TILE = 64;
    /** Keys per step of the key loop. */
    public static final int KEY_TILE = 64;
    /** Largest value head dim: 2 halves × 64 columns. */
    public static final int MAX_V = 128;
    /** q·k dims staged per step. */
    private static final int CHUNK = 32;
    /** Row stride (longs) of a staged q or k chunk: 16 dim pairs + 1 pad (the 16 key rows of a warp: distinct banks). */
    private static final int QK_STRIDE = CHUNK / 2 + 1;
    /** Value columns per half. */
    private static final int HALF = 64;
    /** Row stride (longs) of a staged value half: 32 column pairs + 1 pad. */
    private static final int V_STRIDE = HALF / 2 + 1;
    /** Row stride of the p tile (floats). */
    private static final int WIDE_STRIDE = HALF + 1;
    /** Offset of the key chunk in the staging array (after the query chunk). */
    private static final int KEY_OFFSET = QUERY_TILE * QK_STRIDE;
    /** Staging longs: q chunk + k chunk (2,176), reused for a value half (64 × 33 = 2,112). */
    private static final int STAGE = 2 * QUERY_TILE * QK_STRIDE;
    /** Work-items per query row (the 16 key / column lanes). */
    private static final int LANES = 16;
    private static final float NEG = -1e30f;

    public static void apply(KernelContext ctx, FloatArray q, FloatArray kv, FloatArray cache, FloatArray out,
                             IntArray meta, int heads, int nope, int rope, int vDim, int kvLora, float scale) {
        long[] stage = ctx.allocateLongLocalArray(STAGE);                  // [64][17] q | [64][17] k pairs, or [64][33] v
        float[] pt = ctx.allocateFloatLocalArray(QUERY_TILE * WIDE_STRIDE); // [64][65] p of the key tile
        float[] red = ctx.allocateFloatLocalArray(QUERY_TILE * LANES);     // [64][16] row max / sum parts
        int count = meta.get(KernelLimits.META_COUNT);
        int pos = meta.get(KernelLimits.META_POSITION);
        int groups = ctx.globalGroupSizeX / ctx.localGroupSizeX;
        int g = groups - 1 - ctx.groupIdx; // heaviest query tiles first
        int tile = g / heads;
        int h = g - tile * heads;
        int t0 = tile * QUERY_TILE;
        if (t0 >= count) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int tq = lid >> 4;
        int tk = lid & (LANES - 1);
        int qk = nope + rope;
        int kvRow = nope + vDim;
        int latentRow = kvLora + rope;
        int keyEnd = pos + Math.min(t0 + QUERY_TILE, count); // keys this tile's last valid query sees
        int qp0 = pos + t0 + tq; // position of row tq (rows tq + 16i: + 16i)
        // staging roles: q/k chunk dim pair sc of rows sr + 16e; value column pair scv of keys sv + 8e
        int sr = lid >> 4;
        int sc = lid & 15;
        int sv = lid >> 5;
        int scv = lid & 31;

        float m0 = NEG, m1 = NEG, m2 = NEG, m3 = NEG;   // running max per row
        float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;       // this work-item's part of the running sum per row
        // o{i}{j}: row tq + 16i; columns 2tk, 2tk + 1, 2tk + 32, 2tk + 33 (j = 0..3), the same + 64 (j = 4..7)
        float o00 = 0f, o01 = 0f, o02 = 0f, o03 = 0f, o04 = 0f, o05 = 0f, o06 = 0f, o07 = 0f;
        float o10 = 0f, o11 = 0f, o12 = 0f, o13 = 0f, o14 = 0f, o15 = 0f, o16 = 0f, o17 = 0f;
        float o20 = 0f, o21 = 0f, o22 = 0f, o23 = 0f, o24 = 0f, o25 = 0f, o26 = 0f, o27 = 0f;
        float o30 = 0f, o31 = 0f, o32 = 0f, o33 = 0f, o34 = 0f, o35 = 0f, o36 = 0f, o37 = 0f;

        for (int k0 = 0; k0 < keyEnd; k0 += KEY_TILE) {
            int nk = Math.min(KEY_TILE, keyEnd - k0);
            // scores s{i}{j} = q[row tq+16i] · k[key tk+16j] over the q·k dims, 32 at a time through local memory
            float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
            float s20 = 0f, s21 = 0f, s22 = 0f, s23 = 0f, s30 = 0f, s31 = 0f, s32 = 0f, s33 = 0f;
            // chunk 0's 16 loads (as 8 pairs) in flight here; each step stages the pairs, then issues the next chunk's
            // loads before its fma so their latency hides behind the arithmetic (0 past the q·k dims)
            int qStride = heads * qk;
            int d = 2 * sc;
            long pq0 = queryPair(q, count, qk, qStride, h * qk + d, t0 + sr, d);
            long pq1 = queryPair(q, count, qk, qStride, h * qk + d, t0 + sr + 16, d);
            long pq2 = queryPair(q, count, qk, qStride, h * qk + d, t0 + sr + 32, d);
            long pq3 = queryPair(q, count, qk, qStride, h * qk + d, t0 + sr + 48, d);
            long pk0 = keyPair(kv, cache, keyEnd, k0 + sr, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
            long pk1 = keyPair(kv, cache, keyEnd, k0 + sr + 16, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
            long pk2 = keyPair(kv, cache, keyEnd, k0 + sr + 32, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
            long pk3 = keyPair(kv, cache, keyEnd, k0 + sr + 48, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
            for (int dc = 0; dc < qk; dc += CHUNK) {
                int o = sr * QK_STRIDE + sc;
                stage[o] = pq0;
                stage[o + 16 * QK_STRIDE] = pq1;
                stage[o + 32 * QK_STRIDE] = pq2;
                stage[o + 48 * QK_STRIDE] = pq3;
                o += KEY_OFFSET;
                stage[o] = pk0;
                stage[o + 16 * QK_STRIDE] = pk1;
                stage[o + 32 * QK_STRIDE] = pk2;
                stage[o + 48 * QK_STRIDE] = pk3;
                ctx.localBarrier();
                int dn = dc + CHUNK + 2 * sc;
                pq0 = queryPair(q, count, qk, qStride, h * qk + dn, t0 + sr, dn);
                pq1 = queryPair(q, count, qk, qStride, h * qk + dn, t0 + sr + 16, dn);
                pq2 = queryPair(q, count, qk, qStride, h * qk + dn, t0 + sr + 32, dn);
                pq3 = queryPair(q, count, qk, qStride, h * qk + dn, t0 + sr + 48, dn);
                pk0 = keyPair(kv, cache, keyEnd, k0 + sr, dn, h, heads, nope, qk, kvRow, latentRow, kvLora);
                pk1 = keyPair(kv, cache, keyEnd, k0 + sr + 16, dn, h, heads, nope, qk, kvRow, latentRow, kvLora);
                pk2 = keyPair(kv, cache, keyEnd, k0 + sr + 32, dn, h, heads, nope, qk, kvRow, latentRow, kvLora);
                pk3 = keyPair(kv, cache, keyEnd, k0 + sr + 48, dn, h, heads, nope, qk, kvRow, latentRow, kvLora);
                int qo = tq * QK_STRIDE;
                int ko = KEY_OFFSET + tk * QK_STRIDE;
                for (int j = 0; j < CHUNK / 2; j++) {
                    long q0 = stage[qo + j];
                    long q1 = stage[qo + 16 * QK_STRIDE + j];
                    long q2 = stage[qo + 32 * QK_STRIDE + j];
                    long q3 = stage[qo + 48 * QK_STRIDE + j];
                    long x0 = stage[ko + j];
                    long x1 = stage[ko + 16 * QK_STRIDE + j];
                    long x2 = stage[ko + 32 * QK_STRIDE + j];
                    long x3 = stage[ko + 48 * QK_STRIDE + j];
                    float q0l = low(q0), q1l = low(q1), q2l = low(q2), q3l = low(q3);
                    float x0l = low(x0), x1l = low(x1), x2l = low(x2), x3l = low(x3);
                    float q0h = high(q0), q1h = high(q1), q2h = high(q2), q3h = high(q3);
                    float x0h = high(x0), x1h = high(x1), x2h = high(x2), x3h = high(x3);
                    s00 = Math.fma(q0h, x0h, Math.fma(q0l, x0l, s00));
                    s01 = Math.fma(q0h, x1h, Math.fma(q0l, x1l, s01));
                    s02 = Math.fma(q0h, x2h, Math.fma(q0l, x2l, s02));
                    s03 = Math.fma(q0h, x3h, Math.fma(q0l, x3l, s03));
                    s10 = Math.fma(q1h, x0h, Math.fma(q1l, x0l, s10));
                    s11 = Math.fma(q1h, x1h, Math.fma(q1l, x1l, s11));
                    s12 = Math.fma(q1h, x2h, Math.fma(q1l, x2l, s12));
                    s13 = Math.fma(q1h, x3h, Math.fma(q1l, x3l, s13));
                    s20 = Math.fma(q2h, x0h, Math.fma(q2l, x0l, s20));
                    s21 = Math.fma(q2h, x1h, Math.fma(q2l, x1l, s21));
                    s22 = Math.fma(q2h, x2h, Math.fma(q2l, x2l, s22));
                    s23 = Math.fma(q2h, x3h, Math.fma(q2l, x3l, s23));
                    s30 = Math.fma(q3h, x0h, Math.fma(q3l, x0l, s30));
                    s31 = Math.fma(q3h, x1h, Math.fma(q3l, x1l, s31));
                    s32 = Math.fma(q3h, x2h, Math.fma(q3l, x2l, s32));
                    s33 = Math.fma(q3h, x3h, Math.fma(q3l, x3l, s33));
                }
                ctx.localBarrier();
            }
            // causal mask and scale: key k0 + tk + 16j is visible to row tq + 16i iff it is at most the row's position
            int kp = k0 + tk;
            s00 = masked(s00, kp, qp0, scale);
            s01 = masked(s01, kp + 16, qp0, scale);
            s02 = masked(s02, kp + 32, qp0, scale);
            s03 = masked(s03, kp + 48, qp0, scale);
            s10 = masked(s10, kp, qp0 + 16, scale);
            s11 = masked(s11, kp + 16, qp0 + 16, scale);
            s12 = masked(s12, kp + 32, qp0 + 16, scale);
            s13 = masked(s13, kp + 48, qp0 + 16, scale);
            s20 = masked(s20, kp, qp0 + 32, scale);
            s21 = masked(s21, kp + 16, qp0 + 32, scale);
            s22 = masked(s22, kp + 32, qp0 + 32, scale);
            s23 = masked(s23, kp + 48, qp0 + 32, scale);
            s30 = masked(s30, kp, qp0 + 48, scale);
            s31 = masked(s31, kp + 16, qp0 + 48, scale);
            s32 = masked(s32, kp + 32, qp0 + 48, scale);
            s33 = masked(s33, kp + 48, qp0 + 48, scale);
            int ro = tq * LANES + tk;
            red[ro] = Math.max(Math.max(s00, s01), Math.max(s02, s03));
            red[ro + 16 * LANES] = Math.max(Math.max(s10, s11), Math.max(s12, s13));
            red[ro + 32 * LANES] = Math.max(Math.max(s20, s21), Math.max(s22, s23));
            red[ro + 48 * LANES] = Math.max(Math.max(s30, s31), Math.max(s32, s33));
            ctx.localBarrier();
            float n0 = Math.max(m0, rowMax(red, tq * LANES));
            float n1 = Math.max(m1, rowMax(red, (tq + 16) * LANES));
            float n2 = Math.max(m2, rowMax(red, (tq + 32) * LANES));
            float n3 = Math.max(m3, rowMax(red, (tq + 48) * LANES));
            float a0 = (float) Math.exp(m0 - n0);
            float a1 = (float) Math.exp(m1 - n1);
            float a2 = (float) Math.exp(m2 - n2);
            float a3 = (float) Math.exp(m3 - n3);
            m0 = n0;
            m1 = n1;
            m2 = n2;
            m3 = n3;
            // p = exp(s − m) (0 where masked), written to the p tile; this work-item's part of the row sums
            int po = tq * WIDE_STRIDE + tk;
            float p;
            float sum;
            p = prob(s00, kp, qp0, n0);
            pt[po] = p;
            sum = p;
            p = prob(s01, kp + 16, qp0, n0);
            pt[po + 16] = p;
            sum += p;
            p = prob(s02, kp + 32, qp0, n0);
            pt[po + 32] = p;
            sum += p;
            p = prob(s03, kp + 48, qp0, n0);
            pt[po + 48] = p;
            l0 = l0 * a0 + (sum + p);
            po += 16 * WIDE_STRIDE;
            p = prob(s10, kp, qp0 + 16, n1);
            pt[po] = p;
            sum = p;
            p = prob(s11, kp + 16, qp0 + 16, n1);
            pt[po + 16] = p;
            sum += p;
            p = prob(s12, kp + 32, qp0 + 16, n1);
            pt[po + 32] = p;
            sum += p;
            p = prob(s13, kp + 48, qp0 + 16, n1);
            pt[po + 48] = p;
            l1 = l1 * a1 + (sum + p);
            po += 16 * WIDE_STRIDE;
            p = prob(s20, kp, qp0 + 32, n2);
            pt[po] = p;
            sum = p;
            p = prob(s21, kp + 16, qp0 + 32, n2);
            pt[po + 16] = p;
            sum += p;
            p = prob(s22, kp + 32, qp0 + 32, n2);
            pt[po + 32] = p;
            sum += p;
            p = prob(s23, kp + 48, qp0 + 32, n2);
            pt[po + 48] = p;
            l2 = l2 * a2 + (sum + p);
            po += 16 * WIDE_STRIDE;
            p = prob(s30, kp, qp0 + 48, n3);
            pt[po] = p;
            sum = p;
            p = prob(s31, kp + 16, qp0 + 48, n3);
            pt[po + 16] = p;
            sum += p;
            p = prob(s32, kp + 32, qp0 + 48, n3);
            pt[po + 32] = p;
            sum += p;
            p = prob(s33, kp + 48, qp0 + 48, n3);
            pt[po + 48] = p;
            l3 = l3 * a3 + (sum + p);
            o00 *= a0; o01 *= a0; o02 *= a0; o03 *= a0; o04 *= a0; o05 *= a0; o06 *= a0; o07 *= a0;
            o10 *= a1; o11 *= a1; o12 *= a1; o13 *= a1; o14 *= a1; o15 *= a1; o16 *= a1; o17 *= a1;
            o20 *= a2; o21 *= a2; o22 *= a2; o23 *= a2; o24 *= a2; o25 *= a2; o26 *= a2; o27 *= a2;
            o30 *= a3; o31 *= a3; o32 *= a3; o33 *= a3; o34 *= a3; o35 *= a3; o36 *= a3; o37 *= a3;

            // P·V, first value half (columns 0..63): p rows tq + 16i, columns 2tk, 2tk + 1, 2tk + 32, 2tk + 33
            stageValues(stage, kv, keyEnd, k0, sv, scv, 0, h, heads, nope, vDim, kvRow);
            ctx.localBarrier();
            // the second half's loads in flight during the first half's fma (0 where columns or keys do not exist)
            int vCol = HALF + 2 * scv;
            int vKey = k0 + sv;
            int vStep = 8 * heads * kvRow; // 8 keys
            int vAt = (vKey * heads + h) * kvRow + nope + vCol;
            long nv0 = valuePair(kv, keyEnd, vDim, vCol, vKey, vAt);
            long nv1 = valuePair(kv, keyEnd, vDim, vCol, vKey + 8, vAt + vStep);
            long nv2 = valuePair(kv, keyEnd, vDim, vCol, vKey + 16, vAt + 2 * vStep);
            long nv3 = valuePair(kv, keyEnd, vDim, vCol, vKey + 24, vAt + 3 * vStep);
            long nv4 = valuePair(kv, keyEnd, vDim, vCol, vKey + 32, vAt + 4 * vStep);
            long nv5 = valuePair(kv, keyEnd, vDim, vCol, vKey + 40, vAt + 5 * vStep);
            long nv6 = valuePair(kv, keyEnd, vDim, vCol, vKey + 48, vAt + 6 * vStep);
            long nv7 = valuePair(kv, keyEnd, vDim, vCol, vKey + 56, vAt + 7 * vStep);
            int pr = tq * WIDE_STRIDE;
            for (int k = 0; k < nk; k++) {
                float p0 = pt[pr + k];
                float p1 = pt[pr + 16 * WIDE_STRIDE + k];
                float p2 = pt[pr + 32 * WIDE_STRIDE + k];
                float p3 = pt[pr + 48 * WIDE_STRIDE + k];
                long va = stage[k * V_STRIDE + tk];      // columns 2tk, 2tk + 1
                long vb = stage[k * V_STRIDE + tk + 16]; // columns 2tk + 32, 2tk + 33
                float v0 = low(va);
                float v1 = high(va);
                float v2 = low(vb);
                float v3 = high(vb);
                o00 = Math.fma(p0, v0, o00);
                o01 = Math.fma(p0, v1, o01);
                o02 = Math.fma(p0, v2, o02);
                o03 = Math.fma(p0, v3, o03);
                o10 = Math.fma(p1, v0, o10);
                o11 = Math.fma(p1, v1, o11);
                o12 = Math.fma(p1, v2, o12);
                o13 = Math.fma(p1, v3, o13);
                o20 = Math.fma(p2, v0, o20);
                o21 = Math.fma(p2, v1, o21);
                o22 = Math.fma(p2, v2, o22);
                o23 = Math.fma(p2, v3, o23);
                o30 = Math.fma(p3, v0, o30);
                o31 = Math.fma(p3, v1, o31);
                o32 = Math.fma(p3, v2, o32);
                o33 = Math.fma(p3, v3, o33);
            }
            ctx.localBarrier();
            if (vDim > HALF) { // second half (columns 64..127), uniform over the group
                int vo0 = sv * V_STRIDE + scv;
                stage[vo0] = nv0;
                stage[vo0 + 8 * V_STRIDE] = nv1;
                stage[vo0 + 16 * V_STRIDE] = nv2;
                stage[vo0 + 24 * V_STRIDE] = nv3;
                stage[vo0 + 32 * V_STRIDE] = nv4;
                stage[vo0 + 40 * V_STRIDE] = nv5;
                stage[vo0 + 48 * V_STRIDE] = nv6;
                stage[vo0 + 56 * V_STRIDE] = nv7;
                ctx.localBarrier();
                for (int k = 0; k < nk; k++) {
                    float p0 = pt[pr + k];
                    float p1 = pt[pr + 16 * WIDE_STRIDE + k];
                    float p2 = pt[pr + 32 * WIDE_STRIDE + k];
                    float p3 = pt[pr + 48 * WIDE_STRIDE + k];
                    long va = stage[k * V_STRIDE + tk];      // columns 2tk, 2tk + 1
                    long vb = stage[k * V_STRIDE + tk + 16]; // columns 2tk + 32, 2tk + 33
                    float v0 = low(va);
                    float v1 = high(va);
                    float v2 = low(vb);
                    float v3 = high(vb);
                    o04 = Math.fma(p0, v0, o04);
                    o05 = Math.fma(p0, v1, o05);
                    o06 = Math.fma(p0, v2, o06);
                    o07 = Math.fma(p0, v3, o07);
                    o14 = Math.fma(p1, v0, o14);
                    o15 = Math.fma(p1, v1, o15);
                    o16 = Math.fma(p1, v2, o16);
                    o17 = Math.fma(p1, v3, o17);
                    o24 = Math.fma(p2, v0, o24);
                    o25 = Math.fma(p2, v1, o25);
                    o26 = Math.fma(p2, v2, o26);
                    o27 = Math.fma(p2, v3, o27);
                    o34 = Math.fma(p3, v0, o34);
                    o35 = Math.fma(p3, v1, o35);
                    o36 = Math.fma(p3, v2, o36);
                    o37 = Math.fma(p3, v3, o37);
                }
                ctx.localBarrier();
            }
        }
        // row sums: the 16 parts of each row (the last barrier of the key loop ordered every red read before this)
        int ro = tq * LANES + tk;
        red[ro] = l0;
        red[ro + 16 * LANES] = l1;
        red[ro + 32 * LANES] = l2;
        red[ro + 48 * LANES] = l3;
        ctx.localBarrier();
        float r0 = 1f / rowSum(red, tq * LANES);
        float r1 = 1f / rowSum(red, (tq + 16) * LANES);
        float r2 = 1f / rowSum(red, (tq + 32) * LANES);
        float r3 = 1f / rowSum(red, (tq + 48) * LANES);
        int stride = heads * vDim;
        int col = 2 * tk;
        int base = h * vDim + col;
        int t = t0 + tq;
        store(out, count, vDim, t, (t) * stride + base, col, r0, o00, o01, o02, o03, o04, o05, o06, o07);
        store(out, count, vDim, t + 16, (t + 16) * stride + base, col, r1, o10, o11, o12, o13, o14, o15, o16, o17);
        store(out, count, vDim, t + 32, (t + 32) * stride + base, col, r2, o20, o21, o22, o23, o24, o25, o26, o27);
        store(out, count, vDim, t + 48, (t + 48) * stride + base, col, r3, o30, o31, o32, o33, o34, o35, o36, o37);
    }

    /** Query element d of token t (0 past the chunk's count or the q·k dims). */
    private static float queryValue(FloatArray q, int count, int qk, int qBase, int qStride, int t, int d) {
        return t < count && d < qk ? q.get(t * qStride + qBase) : 0f;
    }

    /** Query elements d, d + 1 of token t packed (0 past the chunk's count or the q·k dims); qBase = h·qk + d. */
    private static long queryPair(FloatArray q, int count, int qk, int qStride, int qBase, int t, int d) {
        return pack(queryValue(q, count, qk, qBase, qStride, t, d), queryValue(q, count, qk, qBase + 1, qStride, t, d + 1));
    }

    /** Key elements d, d + 1 of position s packed (see {@link #keyValue}). */
    private static long keyPair(FloatArray kv, FloatArray cache, int keyEnd, int s, int d, int h, int heads, int nope,
                                int qk, int kvRow, int latentRow, int kvLora) {
        return pack(keyValue(kv, cache, keyEnd, s, d, h, heads, nope, qk, kvRow, latentRow, kvLora),
                keyValue(kv, cache, keyEnd, s, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora));
    }

    /** Key element d of position s: expanded k_nope (d < nope), then the cache's shared rope part; 0 outside. */
    private static float keyValue(FloatArray kv, FloatArray cache, int keyEnd, int s, int d, int h, int heads, int nope,
                                  int qk, int kvRow, int latentRow, int kvLora) {
        float v = 0f;
        if (s < keyEnd) {
            if (d < nope) {
                v = kv.get((s * heads + h) * kvRow + d);
            } else if (d < qk) {
                v = cache.get(s * latentRow + kvLora + (d - nope));
            }
        }
        return v;
    }

    /**
     * stage[k][cp] = (v_h(k0 + k)[col0 + 2cp], [col0 + 2cp + 1]) for the 64 keys × 32 column pairs of a value half (0
     * past keyEnd or vDim), 8 pairs per work-item (keys sv + 8e, column pair scv), all 16 loads in flight before the
     * local stores.
     */
    private static void stageValues(long[] stage, FloatArray kv, int keyEnd, int k0, int sv, int scv, int col0, int h,
                                    int heads, int nope, int vDim, int kvRow) {
        int col = col0 + 2 * scv;
        int s = k0 + sv;
        int step = 8 * heads * kvRow; // 8 keys
        int a = (s * heads + h) * kvRow + nope + col;
        float v0 = valueAt(kv, keyEnd, vDim, col, s, a);
        float w0 = valueAt(kv, keyEnd, vDim, col + 1, s, a + 1);
        float v1 = valueAt(kv, keyEnd, vDim, col, s + 8, a + step);
        float w1 = valueAt(kv, keyEnd, vDim, col + 1, s + 8, a + step + 1);
        float v2 = valueAt(kv, keyEnd, vDim, col, s + 16, a + 2 * step);
        float w2 = valueAt(kv, keyEnd, vDim, col + 1, s + 16, a + 2 * step + 1);
        float v3 = valueAt(kv, keyEnd, vDim, col, s + 24, a + 3 * step);
        float w3 = valueAt(kv, keyEnd, vDim, col + 1, s + 24, a + 3 * step + 1);
        float v4 = valueAt(kv, keyEnd, vDim, col, s + 32, a + 4 * step);
        float w4 = valueAt(kv, keyEnd, vDim, col + 1, s + 32, a + 4 * step + 1);
        float v5 = valueAt(kv, keyEnd, vDim, col, s + 40, a + 5 * step);
        float w5 = valueAt(kv, keyEnd, vDim, col + 1, s + 40, a + 5 * step + 1);
        float v6 = valueAt(kv, keyEnd, vDim, col, s + 48, a + 6 * step);
        float w6 = valueAt(kv, keyEnd, vDim, col + 1, s + 48, a + 6 * step + 1);
        float v7 = valueAt(kv, keyEnd, vDim, col, s + 56, a + 7 * step);
        float w7 = valueAt(kv, keyEnd, vDim, col + 1, s + 56, a + 7 * step + 1);
        int o = sv * V_STRIDE + scv;
        int ostep = 8 * V_STRIDE;
        stage[o] = pack(v0, w0);
        stage[o + ostep] = pack(v1, w1);
        stage[o + 2 * ostep] = pack(v2, w2);
        stage[o + 3 * ostep] = pack(v3, w3);
        stage[o + 4 * ostep] = pack(v4, w4);
        stage[o + 5 * ostep] = pack(v5, w5);
        stage[o + 6 * ostep] = pack(v6, w6);
        stage[o + 7 * ostep] = pack(v7, w7);
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

    /** Value columns col, col + 1 of key s packed (index: the element of col); 0 where they do not exist. */
    private static long valuePair(FloatArray kv, int keyEnd, int vDim, int col, int s, int index) {
        return pack(valueAt(kv, keyEnd, vDim, col, s, index), valueAt(kv, keyEnd, vDim, col + 1, s, index + 1));
    }

    private static float valueAt(FloatArray kv, int keyEnd, int vDim, int col, int s, int index) {
        return s < keyEnd && col < vDim ? kv.get(index) : 0f;
    }

    /** The scaled score, or NEG where key position kp is after query position qp (causal mask). */
    private static float masked(float s, int kp, int qp, float scale) {
        return kp <= qp ? s * scale : NEG;
    }

    /** exp(s − m), 0 where masked. */
    private static float prob(float s, int kp, int qp, float m) {
        return kp <= qp ? (float) Math.exp(s - m) : 0f;
    }

    private static float rowMax(float[] red, int o) {
        float m = red[o];
        for (int i = 1; i < LANES; i++) {
            m = Math.max(m, red[o + i]);
        }
        return m;
    }

    private static float rowSum(float[] red, int o) {
        float s = 0f;
        for (int i = 0; i < LANES; i++) {
            s += red[o + i];
        }
        return s;
    }

    /** Row t's 8 columns col, col + 1, col + 32, col + 33 and those + 64, scaled by 1/l, where they exist. */
    private static void store(FloatArray out, int count, int vDim, int t, int o, int col, float inv,
                              float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        if (t < count) {
            put(out, vDim, col, o, v0 * inv);
            put(out, vDim, col + 1, o + 1, v1 * inv);
            put(out, vDim, col + 32, o + 32, v2 * inv);
            put(out, vDim, col + 33, o + 33, v3 * inv);
            put(out, vDim, col + 64, o + 64, v4 * inv);
            put(out, vDim, col + 65, o + 65, v5 * inv);
            put(out, vDim, col + 96, o + 96, v6 * inv);
            put(out, vDim, col + 97, o + 97, v7 * inv);
        }
    }

    private static void put(FloatArray out, int vDim, int col, int index, float v) {
        if (col < vDim) {
            out.set(index, v);
        }
    }
}
