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
 * tile (8 local loads per 16 fma over 32-dim chunks of q and k staged in local memory, padded rows: conflict-free),
 * then accumulates 4 rows × 8 value columns (tk + 16j of each 64-column half: 8 loads per 16 fma) in registers.
 * Online softmax: tile row maxima through a [64][16] local table; each work-item keeps its part of the row sums
 * (the rescale factor is common to the row) and they are added once at the end. 37.6 KB of local memory.
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
    /** Row stride of a staged q or k chunk (one pad word: rows 16 apart sit in different banks). */
    private static final int QK_STRIDE = CHUNK + 1;
    /** Value columns per half. */
    private static final int HALF = 64;
    /** Row stride of the staged value half and of the p tile. */
    private static final int WIDE_STRIDE = HALF + 1;
    /** Offset of the key chunk in the staging array (after the query chunk). */
    private static final int KEY_OFFSET = QUERY_TILE * QK_STRIDE;
    /** Staging floats: q chunk + k chunk (4,224), reused for a value half (64 × 65 = 4,160). */
    private static final int STAGE = 2 * QUERY_TILE * QK_STRIDE;
    /** Work-items per query row (the 16 key / column lanes). */
    private static final int LANES = 16;
    private static final float NEG = -1e30f;

    public static void apply(KernelContext ctx, FloatArray q, FloatArray kv, FloatArray cache, FloatArray out,
                             IntArray meta, int heads, int nope, int rope, int vDim, int kvLora, float scale) {
        float[] stage = ctx.allocateFloatLocalArray(STAGE);                // [64][33] q | [64][33] k, or [64][65] v
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
        // staging roles: q/k chunk element (row sr + 8e, column sc), value element (key sv + 4e, column scv)
        int sr = lid >> 5;
        int sc = lid & 31;
        int sv = lid >> 6;
        int scv = lid & 63;

        float m0 = NEG, m1 = NEG, m2 = NEG, m3 = NEG;   // running max per row
        float l0 = 0f, l1 = 0f, l2 = 0f, l3 = 0f;       // this work-item's part of the running sum per row
        // o{i}{j}: row tq + 16i, column tk + 16j (j < 4: first half, j ≥ 4: second half + 64 − 64)
        float o00 = 0f, o01 = 0f, o02 = 0f, o03 = 0f, o04 = 0f, o05 = 0f, o06 = 0f, o07 = 0f;
        float o10 = 0f, o11 = 0f, o12 = 0f, o13 = 0f, o14 = 0f, o15 = 0f, o16 = 0f, o17 = 0f;
        float o20 = 0f, o21 = 0f, o22 = 0f, o23 = 0f, o24 = 0f, o25 = 0f, o26 = 0f, o27 = 0f;
        float o30 = 0f, o31 = 0f, o32 = 0f, o33 = 0f, o34 = 0f, o35 = 0f, o36 = 0f, o37 = 0f;

        for (int k0 = 0; k0 < keyEnd; k0 += KEY_TILE) {
            int nk = Math.min(KEY_TILE, keyEnd - k0);
            // scores s{i}{j} = q[row tq+16i] · k[key tk+16j] over the q·k dims, 32 at a time through local memory
            float s00 = 0f, s01 = 0f, s02 = 0f, s03 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f;
            float s20 = 0f, s21 = 0f, s22 = 0f, s23 = 0f, s30 = 0f, s31 = 0f, s32 = 0f, s33 = 0f;
            for (int dc = 0; dc < qk; dc += CHUNK) {
                int d = dc + sc;
                int qBase = h * qk + d;
                int qStride = heads * qk;
                // all 16 loads in flight before the local stores
                float qa = queryValue(q, count, qk, qBase, qStride, t0 + sr, d);
                float qb = queryValue(q, count, qk, qBase, qStride, t0 + sr + 8, d);
                float qc = queryValue(q, count, qk, qBase, qStride, t0 + sr + 16, d);
                float qd = queryValue(q, count, qk, qBase, qStride, t0 + sr + 24, d);
                float qe = queryValue(q, count, qk, qBase, qStride, t0 + sr + 32, d);
                float qf = queryValue(q, count, qk, qBase, qStride, t0 + sr + 40, d);
                float qg = queryValue(q, count, qk, qBase, qStride, t0 + sr + 48, d);
                float qh = queryValue(q, count, qk, qBase, qStride, t0 + sr + 56, d);
                float ka = keyValue(kv, cache, keyEnd, k0 + sr, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kb = keyValue(kv, cache, keyEnd, k0 + sr + 8, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kc = keyValue(kv, cache, keyEnd, k0 + sr + 16, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kd = keyValue(kv, cache, keyEnd, k0 + sr + 24, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float ke = keyValue(kv, cache, keyEnd, k0 + sr + 32, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kf = keyValue(kv, cache, keyEnd, k0 + sr + 40, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kg = keyValue(kv, cache, keyEnd, k0 + sr + 48, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                float kh = keyValue(kv, cache, keyEnd, k0 + sr + 56, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
                int o = sr * QK_STRIDE + sc;
                stage[o] = qa;
                stage[o + 8 * QK_STRIDE] = qb;
                stage[o + 16 * QK_STRIDE] = qc;
                stage[o + 24 * QK_STRIDE] = qd;
                stage[o + 32 * QK_STRIDE] = qe;
                stage[o + 40 * QK_STRIDE] = qf;
                stage[o + 48 * QK_STRIDE] = qg;
                stage[o + 56 * QK_STRIDE] = qh;
                o += KEY_OFFSET;
                stage[o] = ka;
                stage[o + 8 * QK_STRIDE] = kb;
                stage[o + 16 * QK_STRIDE] = kc;
                stage[o + 24 * QK_STRIDE] = kd;
                stage[o + 32 * QK_STRIDE] = ke;
                stage[o + 40 * QK_STRIDE] = kf;
                stage[o + 48 * QK_STRIDE] = kg;
                stage[o + 56 * QK_STRIDE] = kh;
                ctx.localBarrier();
                int qo = tq * QK_STRIDE;
                int ko = KEY_OFFSET + tk * QK_STRIDE;
                for (int j = 0; j < CHUNK; j++) {
                    float q0 = stage[qo + j];
                    float q1 = stage[qo + 16 * QK_STRIDE + j];
                    float q2 = stage[qo + 32 * QK_STRIDE + j];
                    float q3 = stage[qo + 48 * QK_STRIDE + j];
                    float x0 = stage[ko + j];
                    float x1 = stage[ko + 16 * QK_STRIDE + j];
                    float x2 = stage[ko + 32 * QK_STRIDE + j];
                    float x3 = stage[ko + 48 * QK_STRIDE + j];
                    s00 = Math.fma(q0, x0, s00);
                    s01 = Math.fma(q0, x1, s01);
                    s02 = Math.fma(q0, x2, s02);
                    s03 = Math.fma(q0, x3, s03);
                    s10 = Math.fma(q1, x0, s10);
                    s11 = Math.fma(q1, x1, s11);
                    s12 = Math.fma(q1, x2, s12);
                    s13 = Math.fma(q1, x3, s13);
                    s20 = Math.fma(q2, x0, s20);
                    s21 = Math.fma(q2, x1, s21);
                    s22 = Math.fma(q2, x2, s22);
                    s23 = Math.fma(q2, x3, s23);
                    s30 = Math.fma(q3, x0, s30);
                    s31 = Math.fma(q3, x1, s31);
                    s32 = Math.fma(q3, x2, s32);
                    s33 = Math.fma(q3, x3, s33);
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

            // P·V, first value half (columns 0..63): p rows tq + 16i, columns tk + 16j
            stageValues(stage, kv, keyEnd, k0, sv, scv, 0, h, heads, nope, vDim, kvRow);
            ctx.localBarrier();
            int pr = tq * WIDE_STRIDE;
            for (int k = 0; k < nk; k++) {
                float p0 = pt[pr + k];
                float p1 = pt[pr + 16 * WIDE_STRIDE + k];
                float p2 = pt[pr + 32 * WIDE_STRIDE + k];
                float p3 = pt[pr + 48 * WIDE_STRIDE + k];
                int vo = k * WIDE_STRIDE + tk;
                float v0 = stage[vo];
                float v1 = stage[vo + 16];
                float v2 = stage[vo + 32];
                float v3 = stage[vo + 48];
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
                stageValues(stage, kv, keyEnd, k0, sv, scv, HALF, h, heads, nope, vDim, kvRow);
                ctx.localBarrier();
                for (int k = 0; k < nk; k++) {
                    float p0 = pt[pr + k];
                    float p1 = pt[pr + 16 * WIDE_STRIDE + k];
                    float p2 = pt[pr + 32 * WIDE_STRIDE + k];
                    float p3 = pt[pr + 48 * WIDE_STRIDE + k];
                    int vo = k * WIDE_STRIDE + tk;
                    float v0 = stage[vo];
                    float v1 = stage[vo + 16];
                    float v2 = stage[vo + 32];
                    float v3 = stage[vo + 48];
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
        int base = h * vDim + tk;
        int t = t0 + tq;
        store(out, count, vDim, t, (t) * stride + base, tk, r0, o00, o01, o02, o03, o04, o05, o06, o07);
        store(out, count, vDim, t + 16, (t + 16) * stride + base, tk, r1, o10, o11, o12, o13, o14, o15, o16, o17);
        store(out, count, vDim, t + 32, (t + 32) * stride + base, tk, r2, o20, o21, o22, o23, o24, o25, o26, o27);
        store(out, count, vDim, t + 48, (t + 48) * stride + base, tk, r3, o30, o31, o32, o33, o34, o35, o36, o37);
    }

    /** Query element d of token t (0 past the chunk's count or the q·k dims). */
    private static float queryValue(FloatArray q, int count, int qk, int qBase, int qStride, int t, int d) {
        return t < count && d < qk ? q.get(t * qStride + qBase) : 0f;
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
     * stage[k][c] = v_h(k0 + k)[col0 + c] for the 64 keys × 64 columns of a value half (0 past keyEnd or vDim),
     * 16 elements per work-item (keys sv + 4e, column scv), all loads in flight before the local stores.
     */
    private static void stageValues(float[] stage, FloatArray kv, int keyEnd, int k0, int sv, int scv, int col0, int h,
                                    int heads, int nope, int vDim, int kvRow) {
        int col = col0 + scv;
        int s = k0 + sv;
        int base = h * kvRow + nope + col;
        int step = 4 * heads * kvRow; // 4 keys
        int a = s * heads * kvRow + base;
        float v0 = valueAt(kv, keyEnd, vDim, col, s, a);
        float v1 = valueAt(kv, keyEnd, vDim, col, s + 4, a + step);
        float v2 = valueAt(kv, keyEnd, vDim, col, s + 8, a + 2 * step);
        float v3 = valueAt(kv, keyEnd, vDim, col, s + 12, a + 3 * step);
        float v4 = valueAt(kv, keyEnd, vDim, col, s + 16, a + 4 * step);
        float v5 = valueAt(kv, keyEnd, vDim, col, s + 20, a + 5 * step);
        float v6 = valueAt(kv, keyEnd, vDim, col, s + 24, a + 6 * step);
        float v7 = valueAt(kv, keyEnd, vDim, col, s + 28, a + 7 * step);
        float v8 = valueAt(kv, keyEnd, vDim, col, s + 32, a + 8 * step);
        float v9 = valueAt(kv, keyEnd, vDim, col, s + 36, a + 9 * step);
        float v10 = valueAt(kv, keyEnd, vDim, col, s + 40, a + 10 * step);
        float v11 = valueAt(kv, keyEnd, vDim, col, s + 44, a + 11 * step);
        float v12 = valueAt(kv, keyEnd, vDim, col, s + 48, a + 12 * step);
        float v13 = valueAt(kv, keyEnd, vDim, col, s + 52, a + 13 * step);
        float v14 = valueAt(kv, keyEnd, vDim, col, s + 56, a + 14 * step);
        float v15 = valueAt(kv, keyEnd, vDim, col, s + 60, a + 15 * step);
        int o = sv * WIDE_STRIDE + scv;
        int ostep = 4 * WIDE_STRIDE;
        stage[o] = v0;
        stage[o + ostep] = v1;
        stage[o + 2 * ostep] = v2;
        stage[o + 3 * ostep] = v3;
        stage[o + 4 * ostep] = v4;
        stage[o + 5 * ostep] = v5;
        stage[o + 6 * ostep] = v6;
        stage[o + 7 * ostep] = v7;
        stage[o + 8 * ostep] = v8;
        stage[o + 9 * ostep] = v9;
        stage[o + 10 * ostep] = v10;
        stage[o + 11 * ostep] = v11;
        stage[o + 12 * ostep] = v12;
        stage[o + 13 * ostep] = v13;
        stage[o + 14 * ostep] = v14;
        stage[o + 15 * ostep] = v15;
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

    /** Row t's 8 columns tk + 16j (j < 4: first half; j ≥ 4: + 64) scaled by 1/l, where they exist. */
    private static void store(FloatArray out, int count, int vDim, int t, int o, int tk, float inv,
                              float v0, float v1, float v2, float v3, float v4, float v5, float v6, float v7) {
        if (t < count) {
            put(out, vDim, tk, o, v0 * inv);
            put(out, vDim, tk + 16, o + 16, v1 * inv);
            put(out, vDim, tk + 32, o + 32, v2 * inv);
            put(out, vDim, tk + 48, o + 48, v3 * inv);
            put(out, vDim, tk + 64, o + 64, v4 * inv);
            put(out, vDim, tk + 80, o + 80, v5 * inv);
            put(out, vDim, tk + 96, o + 96, v6 * inv);
            put(out, vDim, tk + 112, o + 112, v7 * inv);
        }
    }

    private static void put(FloatArray out, int vDim, int col, int index, float v) {
        if (col < vDim) {
            out.set(index, v);
        }
    }
}
