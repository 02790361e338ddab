package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed attention as multi-query attention over the latent cache, flash style: the fast variant of
 * {@link MlaAttentionPartial} (which stays as the reference). All heads share the 576-wide cache row
 * [c_s (kvLora) | kr_s (rope)], so a work-group takes a block of heads of one token and walks a range of cache
 * positions in key tiles: each tile is read once, coalesced, through local memory and scored against every head of
 * the block; the softmax is online (running max and sum per head) and the context accumulates in local memory.
 * For token t (position p = pos + t, causal s ≤ p), head h:
 * <pre>
 *   score_s = (qLat[t][h] · c_s + q_rope[t][h] · kr_s) · scale
 *   m = max_s score_s,   l = Σ_s exp(score_s − m),   part[j] = Σ_s exp(score_s − m) · c_s[j]
 * </pre>
 * The positions [0, pos + count) are cut into {@code splits} ranges of equal length (rounded up to the key tile):
 * with one split it writes {@code latentCtx[t][h] = part / l} directly (prefill, no partial buffer); with more it
 * writes {@code partials[((t*H + h)*splits + sp)*(kvLora+2)]} = [part | m | l] for {@link MlaAttentionCombine}
 * (an empty range writes only m = −1e30, l = 0: the combine skips it without reading its part).
 * Shapes: qLat [C*H*kvLora], q [C*H*(nope+rope)], cache [maxCtx*(kvLora+rope)], partials [C*H*splits*(kvLora+2)],
 * latentCtx [C*H*kvLora]. Grid: work-group per (sp·blocks + head block) in x, token in y, any local size (loops
 * stride by it; 128 on GPUs). headBlock ≤ {@link #MAX_HEAD_BLOCK}, keyTile ≤ {@link #MAX_KEY_TILE},
 * kvLora ≤ {@link #MAX_LORA}.
 */
public final class MlaFlashAttention {
    private MlaFlashAttention() {
    }

    /** Most heads one work-group scores (local context accumulator [16][512] = 32 KiB). */
    public static final int MAX_HEAD_BLOCK = 16;
    /** Most cache positions per key tile. */
    public static final int MAX_KEY_TILE = 32;
    /** Largest kv_lora_rank the local accumulator holds. */
    public static final int MAX_LORA = 512;
    /** Feature columns staged per step (the tiles of q and of the cache rows): 64, so a tile takes 9 + 8 steps. */
    static final int CHUNK = 64;
    /** Query and cache tile row stride in local memory: one pad word so the lanes of a warp hit distinct banks. */
    static final int PAD = CHUNK + 1;
    /** Work-items sharing the softmax of one head over a key tile. */
    static final int ROW_LANES = 8;

    public static void apply(KernelContext ctx, FloatArray qLat, FloatArray q, FloatArray cache, FloatArray partials,
                             FloatArray latentCtx, IntArray meta, int heads, int nope, int rope, int kvLora,
                             int headBlock, int keyTile, int splits, float scale) {
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * MAX_LORA);  // [hb][kvLora] running context
        float[] sc = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * MAX_KEY_TILE); // [hb][keyTile] scores, then p
        float[] qc = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * PAD);       // [hb][PAD] query columns
        float[] kc = ctx.allocateFloatLocalArray(MAX_KEY_TILE * PAD);         // [keyTile][PAD] cache columns
        float[] rowM = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK);           // running max per head
        float[] rowL = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK);           // running sum per head
        float[] rowA = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK);           // rescale of the tile per head
        float[] red = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * ROW_LANES); // [hb][ROW_LANES] softmax partials
        int blocks = (heads + headBlock - 1) / headBlock;
        int sp = ctx.groupIdx / blocks;
        int h0 = (ctx.groupIdx - sp * blocks) * headBlock;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count || sp >= splits) {
            return; // uniform over the group
        }
        int pos = meta.get(KernelLimits.META_POSITION);
        int visible = pos + t + 1;
        int perSplit = ((pos + count + splits - 1) / splits + keyTile - 1) / keyTile * keyTile;
        int s0 = sp * perSplit;
        int s1 = Math.min(s0 + perSplit, visible);
        int nh = Math.min(headBlock, heads - h0);
        int row = kvLora + rope;
        int qRow = nope + rope;
        int stride = kvLora + 2;
        if (s1 <= s0) {
            // a range past this token's causal horizon (only with splits > 1): an empty partial (l = 0, its part is
            // never read by the combine), uniform over the group
            for (int r = lid; r < nh; r += nt) {
                int base = ((t * heads + h0 + r) * splits + sp) * stride;
                partials.set(base + kvLora, -1e30f);
                partials.set(base + kvLora + 1, 0f);
            }
            return;
        }
        for (int i = lid; i < nh * kvLora; i += nt) {
            acc[i] = 0f;
        }
        for (int r = lid; r < nh; r += nt) {
            rowM[r] = -1e30f;
            rowL[r] = 0f;
        }
        int quads = (nh + 3) / 4;
        for (int k0 = s0; k0 < s1; k0 += keyTile) {
            int nk = Math.min(keyTile, s1 - k0);
            int pairs = (nk + 1) / 2;
            // scores: sc[r][k] = q[r] · cacheRow[k0 + k], 576 columns in chunks through local memory
            for (int jc = 0; jc < row; jc += CHUNK) {
                for (int i = lid; i < nh * CHUNK; i += 4 * nt) {
                    // four loads in flight per work-item before the local stores
                    int n = nh * CHUNK;
                    int i1 = i + nt;
                    int i2 = i1 + nt;
                    int i3 = i2 + nt;
                    float v0 = queryColumn(qLat, q, t, heads, h0, kvLora, row, qRow, nope, jc, i);
                    float v1 = i1 < n ? queryColumn(qLat, q, t, heads, h0, kvLora, row, qRow, nope, jc, i1) : 0f;
                    float v2 = i2 < n ? queryColumn(qLat, q, t, heads, h0, kvLora, row, qRow, nope, jc, i2) : 0f;
                    float v3 = i3 < n ? queryColumn(qLat, q, t, heads, h0, kvLora, row, qRow, nope, jc, i3) : 0f;
                    qc[(i / CHUNK) * PAD + i % CHUNK] = v0;
                    if (i1 < n) {
                        qc[(i1 / CHUNK) * PAD + i1 % CHUNK] = v1;
                    }
                    if (i2 < n) {
                        qc[(i2 / CHUNK) * PAD + i2 % CHUNK] = v2;
                    }
                    if (i3 < n) {
                        qc[(i3 / CHUNK) * PAD + i3 % CHUNK] = v3;
                    }
                }
                stageCacheColumns(kc, cache, k0, row, jc, row, nk * CHUNK, lid, nt);
                ctx.localBarrier();
                // a work-item scores 4 heads × 2 keys (k and k + pairs: neighbouring lanes read neighbouring rows)
                for (int w = lid; w < quads * pairs; w += nt) {
                    int a = w / pairs;
                    int ka = w - a * pairs;
                    int kb = ka + pairs;
                    int kbr = kb < nk ? kb : ka;
                    int r0 = 4 * a;
                    int r1 = Math.min(r0 + 1, nh - 1);
                    int r2 = Math.min(r0 + 2, nh - 1);
                    int r3 = Math.min(r0 + 3, nh - 1);
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
                    for (int j = 0; j < CHUNK; j++) {
                        float ca = kc[ka * PAD + j];
                        float cb = kc[kbr * PAD + j];
                        float q0 = qc[r0 * PAD + j];
                        float q1 = qc[r1 * PAD + j];
                        float q2 = qc[r2 * PAD + j];
                        float q3 = qc[r3 * PAD + j];
                        a0 = Math.fma(q0, ca, a0);
                        a1 = Math.fma(q1, ca, a1);
                        a2 = Math.fma(q2, ca, a2);
                        a3 = Math.fma(q3, ca, a3);
                        b0 = Math.fma(q0, cb, b0);
                        b1 = Math.fma(q1, cb, b1);
                        b2 = Math.fma(q2, cb, b2);
                        b3 = Math.fma(q3, cb, b3);
                    }
                    boolean first = jc == 0;
                    addScore(sc, first, r0 * keyTile + ka, a0);
                    if (r0 + 1 < nh) {
                        addScore(sc, first, (r0 + 1) * keyTile + ka, a1);
                    }
                    if (r0 + 2 < nh) {
                        addScore(sc, first, (r0 + 2) * keyTile + ka, a2);
                    }
                    if (r0 + 3 < nh) {
                        addScore(sc, first, (r0 + 3) * keyTile + ka, a3);
                    }
                    if (kb < nk) {
                        addScore(sc, first, r0 * keyTile + kb, b0);
                        if (r0 + 1 < nh) {
                            addScore(sc, first, (r0 + 1) * keyTile + kb, b1);
                        }
                        if (r0 + 2 < nh) {
                            addScore(sc, first, (r0 + 2) * keyTile + kb, b2);
                        }
                        if (r0 + 3 < nh) {
                            addScore(sc, first, (r0 + 3) * keyTile + kb, b3);
                        }
                    }
                }
                ctx.localBarrier();
            }
            // online softmax per head, ROW_LANES work-items per head: new max, rescale of what came before, p in
            // place of the scores
            for (int w = lid; w < nh * ROW_LANES; w += nt) {
                int r = w / ROW_LANES;
                float mx = -1e30f;
                for (int k = w - r * ROW_LANES; k < nk; k += ROW_LANES) {
                    mx = Math.max(mx, sc[r * keyTile + k] * scale);
                }
                red[w] = mx;
            }
            ctx.localBarrier();
            for (int r = lid; r < nh; r += nt) {
                float mOld = rowM[r];
                float mx = mOld;
                for (int g = 0; g < ROW_LANES; g++) {
                    mx = Math.max(mx, red[r * ROW_LANES + g]);
                }
                rowA[r] = (float) Math.exp(mOld - mx);
                rowM[r] = mx;
            }
            ctx.localBarrier();
            for (int w = lid; w < nh * ROW_LANES; w += nt) {
                int r = w / ROW_LANES;
                float mx = rowM[r];
                float sum = 0f;
                for (int k = w - r * ROW_LANES; k < nk; k += ROW_LANES) {
                    float p = (float) Math.exp(sc[r * keyTile + k] * scale - mx);
                    sc[r * keyTile + k] = p;
                    sum += p;
                }
                red[w] = sum;
            }
            ctx.localBarrier();
            for (int r = lid; r < nh; r += nt) {
                float sum = 0f;
                for (int g = 0; g < ROW_LANES; g++) {
                    sum += red[r * ROW_LANES + g];
                }
                rowL[r] = rowL[r] * rowA[r] + sum;
            }
            for (int i = lid; i < nh * kvLora; i += nt) {
                acc[i] *= rowA[i / kvLora];
            }
            // context: acc[r][j] += Σ_k p[r][k] · c_{k0+k}[j], the latent columns in chunks through local memory
            for (int jc = 0; jc < kvLora; jc += CHUNK) {
                stageCacheColumns(kc, cache, k0, row, jc, kvLora, nk * CHUNK, lid, nt);
                ctx.localBarrier();
                // a work-item accumulates 4 heads × 1 column (the lanes of a warp: one head quad, 32 columns)
                for (int w = lid; w < quads * CHUNK; w += nt) {
                    int a = w / CHUNK;
                    int j = w - a * CHUNK;
                    int r0 = 4 * a;
                    int r1 = Math.min(r0 + 1, nh - 1);
                    int r2 = Math.min(r0 + 2, nh - 1);
                    int r3 = Math.min(r0 + 3, nh - 1);
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f;
                    for (int k = 0; k < nk; k++) {
                        float c = kc[k * PAD + j];
                        a0 = Math.fma(sc[r0 * keyTile + k], c, a0);
                        a1 = Math.fma(sc[r1 * keyTile + k], c, a1);
                        a2 = Math.fma(sc[r2 * keyTile + k], c, a2);
                        a3 = Math.fma(sc[r3 * keyTile + k], c, a3);
                    }
                    int col = jc + j;
                    if (col < kvLora) {
                        acc[r0 * kvLora + col] += a0;
                        if (r0 + 1 < nh) {
                            acc[(r0 + 1) * kvLora + col] += a1;
                        }
                        if (r0 + 2 < nh) {
                            acc[(r0 + 2) * kvLora + col] += a2;
                        }
                        if (r0 + 3 < nh) {
                            acc[(r0 + 3) * kvLora + col] += a3;
                        }
                    }
                }
                ctx.localBarrier();
            }
        }
        if (splits == 1) {
            for (int i = lid; i < nh * kvLora; i += nt) {
                int r = i / kvLora;
                latentCtx.set((t * heads + h0) * kvLora + i, acc[i] / rowL[r]);
            }
        } else {
            for (int i = lid; i < nh * kvLora; i += nt) {
                int r = i / kvLora;
                partials.set(((t * heads + h0 + r) * splits + sp) * stride + (i - r * kvLora), acc[i]);
            }
            for (int r = lid; r < nh; r += nt) {
                int base = ((t * heads + h0 + r) * splits + sp) * stride;
                partials.set(base + kvLora, rowM[r]);
                partials.set(base + kvLora + 1, rowL[r]);
            }
        }
    }

    /** The first feature chunk writes the score, later ones add to it (each score has one owner work-item). */
    private static void addScore(float[] sc, boolean first, int index, float value) {
        sc[index] = first ? value : sc[index] + value;
    }

    /**
     * kc[k][j] = cache[(k0 + k)·row + jc + j] for the first n = rows·CHUNK elements (0 past column {@code limit}),
     * four loads in flight per work-item before the local stores (a load-store loop would wait on each load).
     */
    private static void stageCacheColumns(float[] kc, FloatArray cache, int k0, int row, int jc, int limit, int n,
                                          int lid, int nt) {
        for (int i = lid; i < n; i += 4 * nt) {
            int i1 = i + nt;
            int i2 = i1 + nt;
            int i3 = i2 + nt;
            float v0 = cacheColumn(cache, k0, row, jc, limit, i);
            float v1 = i1 < n ? cacheColumn(cache, k0, row, jc, limit, i1) : 0f;
            float v2 = i2 < n ? cacheColumn(cache, k0, row, jc, limit, i2) : 0f;
            float v3 = i3 < n ? cacheColumn(cache, k0, row, jc, limit, i3) : 0f;
            kc[(i / CHUNK) * PAD + i % CHUNK] = v0;
            if (i1 < n) {
                kc[(i1 / CHUNK) * PAD + i1 % CHUNK] = v1;
            }
            if (i2 < n) {
                kc[(i2 / CHUNK) * PAD + i2 % CHUNK] = v2;
            }
            if (i3 < n) {
                kc[(i3 / CHUNK) * PAD + i3 % CHUNK] = v3;
            }
        }
    }

    private static float cacheColumn(FloatArray cache, int k0, int row, int jc, int limit, int i) {
        int k = i / CHUNK;
        int j = jc + (i - k * CHUNK);
        return j < limit ? cache.get((k0 + k) * row + j) : 0f;
    }

    /** Column jc + (i mod CHUNK) of the absorbed query of head h0 + i / CHUNK: [qLat (kvLora) | q_rope (rope) | 0]. */
    private static float queryColumn(FloatArray qLat, FloatArray q, int t, int heads, int h0, int kvLora, int row,
                                     int qRow, int nope, int jc, int i) {
        int r = i / CHUNK;
        int j = jc + (i - r * CHUNK);
        int h = h0 + r;
        float v = 0f;
        if (j < kvLora) {
            v = qLat.get((t * heads + h) * kvLora + j);
        } else if (j < row) {
            v = q.get((t * heads + h) * qRow + nope + (j - kvLora));
        }
        return v;
    }
}
