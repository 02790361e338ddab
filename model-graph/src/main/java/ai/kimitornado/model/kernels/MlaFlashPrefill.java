package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * The prefill form of {@link MlaFlashAttention} (same math, arguments, outputs and grid; that kernel is its
 * reference): larger register tiles for throughput where many work-groups are resident. A work-item scores 4 heads
 * × 4 keys (8 local loads per 16 fma, against 6 per 8) and accumulates the context for 4 heads × 2 columns (6 local
 * loads per 8 fma, against 5 per 4): prefill is bound by local-memory loads, ~1.6× fewer here. Work-groups of 64
 * fill the tiles (16 heads × 64 keys = 64 × 16 scores, 16 heads × 32 columns = 64 × 8 outputs); any local size is
 * correct. The score and query rows in local memory are padded by one word so the two head quads a warp spans sit
 * in different banks.
 */
public final class MlaFlashPrefill {
    private MlaFlashPrefill() {
    }

    private static final int MAX_HEAD_BLOCK = MlaFlashAttention.MAX_HEAD_BLOCK;
    /** Most cache positions per key tile. */
    public static final int MAX_KEY_TILE = 64;
    private static final int MAX_LORA = MlaFlashAttention.MAX_LORA;
    /** Feature columns staged per step. */
    private static final int CHUNK = 32;
    /** log2(CHUNK): flat indices are non-negative, so i >> CHUNK_SHIFT and i & (CHUNK - 1) are i / CHUNK, i % CHUNK. */
    private static final int CHUNK_SHIFT = 5;
    /** Local row stride of the query and cache columns: one pad word against bank conflicts. */
    private static final int PAD = CHUNK + 1;
    private static final int ROW_LANES = MlaFlashAttention.ROW_LANES;
    /** Half a column chunk: a work-item's two context columns are j and j + HALF. */
    private static final int HALF = CHUNK / 2;
    private static final int HALF_SHIFT = CHUNK_SHIFT - 1;

    public static void apply(KernelContext ctx, FloatArray qLat, FloatArray q, FloatArray cache, FloatArray partials,
                             FloatArray latentCtx, IntArray meta, int heads, int nope, int rope, int kvLora,
                             int headBlock, int keyTile, int splits, float scale) {
        float[] acc = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * MAX_LORA);  // [hb][kvLora] running context
        float[] sc = ctx.allocateFloatLocalArray(MAX_HEAD_BLOCK * (MAX_KEY_TILE + 1)); // [hb][keyTile+1] scores, p
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
        // the flat [nh][kvLora] loops step by nt: head = i / kvLora advances by nt / kvLora plus a carry (the
        // divisions once here, not per element)
        int lidHead = lid / kvLora;
        int lidCol = lid - lidHead * kvLora;
        int ntHeads = nt / kvLora;
        int ntCols = nt - ntHeads * kvLora;
        int st = keyTile + 1; // score row stride
        for (int k0 = s0; k0 < s1; k0 += keyTile) {
            int nk = Math.min(keyTile, s1 - k0);
            int quarter = (nk + 3) / 4;
            // score work-item w = (quad a, key k0r) = (w / quarter, w % quarter), stepped by counters in the loop
            int lidQuad = lid / quarter;
            int lidKey = lid - lidQuad * quarter;
            int ntQuads = nt / quarter;
            int ntKeys = nt - ntQuads * quarter;
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
                    qc[(i >> CHUNK_SHIFT) * PAD + (i & (CHUNK - 1))] = v0;
                    if (i1 < n) {
                        qc[(i1 >> CHUNK_SHIFT) * PAD + (i1 & (CHUNK - 1))] = v1;
                    }
                    if (i2 < n) {
                        qc[(i2 >> CHUNK_SHIFT) * PAD + (i2 & (CHUNK - 1))] = v2;
                    }
                    if (i3 < n) {
                        qc[(i3 >> CHUNK_SHIFT) * PAD + (i3 & (CHUNK - 1))] = v3;
                    }
                }
                stageCacheColumns(kc, cache, k0, row, jc, row, nk * CHUNK, lid, nt);
                ctx.localBarrier();
                // a work-item scores 4 heads × 4 keys (k + i·quarter: neighbouring lanes read neighbouring rows)
                int a = lidQuad;
                int k0r = lidKey;
                for (int w = lid; w < quads * quarter; w += nt) {
                    int k1 = k0r + quarter;
                    int k2 = k1 + quarter;
                    int k3 = k2 + quarter;
                    int k1r = k1 < nk ? k1 : k0r;
                    int k2r = k2 < nk ? k2 : k0r;
                    int k3r = k3 < nk ? k3 : k0r;
                    int r0 = 4 * a;
                    int r1 = Math.min(r0 + 1, nh - 1);
                    int r2 = Math.min(r0 + 2, nh - 1);
                    int r3 = Math.min(r0 + 3, nh - 1);
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
                    float c0 = 0f, c1 = 0f, c2 = 0f, c3 = 0f, d0 = 0f, d1 = 0f, d2 = 0f, d3 = 0f;
                    for (int j = 0; j < CHUNK; j++) {
                        float q0 = qc[r0 * PAD + j];
                        float q1 = qc[r1 * PAD + j];
                        float q2 = qc[r2 * PAD + j];
                        float q3 = qc[r3 * PAD + j];
                        float ka = kc[k0r * PAD + j];
                        float kb = kc[k1r * PAD + j];
                        float kcv = kc[k2r * PAD + j];
                        float kd = kc[k3r * PAD + j];
                        a0 = Math.fma(q0, ka, a0);
                        a1 = Math.fma(q1, ka, a1);
                        a2 = Math.fma(q2, ka, a2);
                        a3 = Math.fma(q3, ka, a3);
                        b0 = Math.fma(q0, kb, b0);
                        b1 = Math.fma(q1, kb, b1);
                        b2 = Math.fma(q2, kb, b2);
                        b3 = Math.fma(q3, kb, b3);
                        c0 = Math.fma(q0, kcv, c0);
                        c1 = Math.fma(q1, kcv, c1);
                        c2 = Math.fma(q2, kcv, c2);
                        c3 = Math.fma(q3, kcv, c3);
                        d0 = Math.fma(q0, kd, d0);
                        d1 = Math.fma(q1, kd, d1);
                        d2 = Math.fma(q2, kd, d2);
                        d3 = Math.fma(q3, kd, d3);
                    }
                    boolean first = jc == 0;
                    addQuad(sc, first, nh, r0, st, k0r, a0, a1, a2, a3);
                    if (k1 < nk) {
                        addQuad(sc, first, nh, r0, st, k1, b0, b1, b2, b3);
                    }
                    if (k2 < nk) {
                        addQuad(sc, first, nh, r0, st, k2, c0, c1, c2, c3);
                    }
                    if (k3 < nk) {
                        addQuad(sc, first, nh, r0, st, k3, d0, d1, d2, d3);
                    }
                    a += ntQuads;
                    k0r += ntKeys;
                    if (k0r >= quarter) {
                        k0r -= quarter;
                        a++;
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
                    mx = Math.max(mx, sc[r * st + k] * scale);
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
                    float p = (float) Math.exp(sc[r * st + k] * scale - mx);
                    sc[r * st + k] = p;
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
            int rh = lidHead;
            int rc = lidCol;
            for (int i = lid; i < nh * kvLora; i += nt) {
                acc[i] *= rowA[rh];
                rh += ntHeads;
                rc += ntCols;
                if (rc >= kvLora) {
                    rc -= kvLora;
                    rh++;
                }
            }
            // context: acc[r][j] += Σ_k p[r][k] · c_{k0+k}[j], the latent columns in chunks through local memory
            for (int jc = 0; jc < kvLora; jc += CHUNK) {
                stageCacheColumns(kc, cache, k0, row, jc, kvLora, nk * CHUNK, lid, nt);
                ctx.localBarrier();
                // a work-item accumulates 4 heads × 2 columns (j, j + HALF)
                for (int w = lid; w < quads * HALF; w += nt) {
                    int a = w >> HALF_SHIFT;
                    int j = w & (HALF - 1);
                    int r0 = 4 * a;
                    int r1 = Math.min(r0 + 1, nh - 1);
                    int r2 = Math.min(r0 + 2, nh - 1);
                    int r3 = Math.min(r0 + 3, nh - 1);
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, b0 = 0f, b1 = 0f, b2 = 0f, b3 = 0f;
                    // unrolled by 4 keys (24 local loads, 32 fma per step); each output still adds its products in key
                    // order, so the sums are those of the plain loop bit for bit
                    int k = 0;
                    for (; k + 3 < nk; k += 4) {
                        int o = k * PAD + j;
                        float ca0 = kc[o];
                        float cb0 = kc[o + HALF];
                        float ca1 = kc[o + PAD];
                        float cb1 = kc[o + PAD + HALF];
                        float ca2 = kc[o + 2 * PAD];
                        float cb2 = kc[o + 2 * PAD + HALF];
                        float ca3 = kc[o + 3 * PAD];
                        float cb3 = kc[o + 3 * PAD + HALF];
                        float p00 = sc[r0 * st + k];
                        float p01 = sc[r0 * st + k + 1];
                        float p02 = sc[r0 * st + k + 2];
                        float p03 = sc[r0 * st + k + 3];
                        float p10 = sc[r1 * st + k];
                        float p11 = sc[r1 * st + k + 1];
                        float p12 = sc[r1 * st + k + 2];
                        float p13 = sc[r1 * st + k + 3];
                        float p20 = sc[r2 * st + k];
                        float p21 = sc[r2 * st + k + 1];
                        float p22 = sc[r2 * st + k + 2];
                        float p23 = sc[r2 * st + k + 3];
                        float p30 = sc[r3 * st + k];
                        float p31 = sc[r3 * st + k + 1];
                        float p32 = sc[r3 * st + k + 2];
                        float p33 = sc[r3 * st + k + 3];
                        a0 = Math.fma(p03, ca3, Math.fma(p02, ca2, Math.fma(p01, ca1, Math.fma(p00, ca0, a0))));
                        a1 = Math.fma(p13, ca3, Math.fma(p12, ca2, Math.fma(p11, ca1, Math.fma(p10, ca0, a1))));
                        a2 = Math.fma(p23, ca3, Math.fma(p22, ca2, Math.fma(p21, ca1, Math.fma(p20, ca0, a2))));
                        a3 = Math.fma(p33, ca3, Math.fma(p32, ca2, Math.fma(p31, ca1, Math.fma(p30, ca0, a3))));
                        b0 = Math.fma(p03, cb3, Math.fma(p02, cb2, Math.fma(p01, cb1, Math.fma(p00, cb0, b0))));
                        b1 = Math.fma(p13, cb3, Math.fma(p12, cb2, Math.fma(p11, cb1, Math.fma(p10, cb0, b1))));
                        b2 = Math.fma(p23, cb3, Math.fma(p22, cb2, Math.fma(p21, cb1, Math.fma(p20, cb0, b2))));
                        b3 = Math.fma(p33, cb3, Math.fma(p32, cb2, Math.fma(p31, cb1, Math.fma(p30, cb0, b3))));
                    }
                    for (; k < nk; k++) {
                        float ca = kc[k * PAD + j];
                        float cb = kc[k * PAD + j + HALF];
                        float p0 = sc[r0 * st + k];
                        float p1 = sc[r1 * st + k];
                        float p2 = sc[r2 * st + k];
                        float p3 = sc[r3 * st + k];
                        a0 = Math.fma(p0, ca, a0);
                        a1 = Math.fma(p1, ca, a1);
                        a2 = Math.fma(p2, ca, a2);
                        a3 = Math.fma(p3, ca, a3);
                        b0 = Math.fma(p0, cb, b0);
                        b1 = Math.fma(p1, cb, b1);
                        b2 = Math.fma(p2, cb, b2);
                        b3 = Math.fma(p3, cb, b3);
                    }
                    int col = jc + j;
                    if (col < kvLora) {
                        addContext(acc, nh, r0, kvLora, col, a0, a1, a2, a3);
                    }
                    if (col + HALF < kvLora) {
                        addContext(acc, nh, r0, kvLora, col + HALF, b0, b1, b2, b3);
                    }
                }
                ctx.localBarrier();
            }
        }
        int r = lidHead;
        int c = lidCol;
        if (splits == 1) {
            for (int i = lid; i < nh * kvLora; i += nt) {
                latentCtx.set((t * heads + h0) * kvLora + i, acc[i] / rowL[r]);
                r += ntHeads;
                c += ntCols;
                if (c >= kvLora) {
                    c -= kvLora;
                    r++;
                }
            }
        } else {
            for (int i = lid; i < nh * kvLora; i += nt) {
                partials.set(((t * heads + h0 + r) * splits + sp) * stride + c, acc[i]);
                r += ntHeads;
                c += ntCols;
                if (c >= kvLora) {
                    c -= kvLora;
                    r++;
                }
            }
            for (int h = lid; h < nh; h += nt) {
                int base = ((t * heads + h0 + h) * splits + sp) * stride;
                partials.set(base + kvLora, rowM[h]);
                partials.set(base + kvLora + 1, rowL[h]);
            }
        }
    }

    /** Scores of key k for the heads r0..r0+3 that exist: the first chunk writes, later ones add (one owner each). */
    private static void addQuad(float[] sc, boolean first, int nh, int r0, int st, int k,
                                float v0, float v1, float v2, float v3) {
        int i = r0 * st + k;
        sc[i] = first ? v0 : sc[i] + v0;
        if (r0 + 1 < nh) {
            sc[i + st] = first ? v1 : sc[i + st] + v1;
        }
        if (r0 + 2 < nh) {
            sc[i + 2 * st] = first ? v2 : sc[i + 2 * st] + v2;
        }
        if (r0 + 3 < nh) {
            sc[i + 3 * st] = first ? v3 : sc[i + 3 * st] + v3;
        }
    }

    /** Context column col of the heads r0..r0+3 that exist. */
    private static void addContext(float[] acc, int nh, int r0, int kvLora, int col,
                                   float v0, float v1, float v2, float v3) {
        int i = r0 * kvLora + col;
        acc[i] += v0;
        if (r0 + 1 < nh) {
            acc[i + kvLora] += v1;
        }
        if (r0 + 2 < nh) {
            acc[i + 2 * kvLora] += v2;
        }
        if (r0 + 3 < nh) {
            acc[i + 3 * kvLora] += v3;
        }
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
            kc[(i >> CHUNK_SHIFT) * PAD + (i & (CHUNK - 1))] = v0;
            if (i1 < n) {
                kc[(i1 >> CHUNK_SHIFT) * PAD + (i1 & (CHUNK - 1))] = v1;
            }
            if (i2 < n) {
                kc[(i2 >> CHUNK_SHIFT) * PAD + (i2 & (CHUNK - 1))] = v2;
            }
            if (i3 < n) {
                kc[(i3 >> CHUNK_SHIFT) * PAD + (i3 & (CHUNK - 1))] = v3;
            }
        }
    }

    private static float cacheColumn(FloatArray cache, int k0, int row, int jc, int limit, int i) {
        int k = i >> CHUNK_SHIFT;
        int j = jc + (i & (CHUNK - 1));
        return j < limit ? cache.get((k0 + k) * row + j) : 0f;
    }

    /** Column jc + (i mod CHUNK) of the absorbed query of head h0 + i / CHUNK: [qLat (kvLora) | q_rope (rope) | 0]. */
    private static float queryColumn(FloatArray qLat, FloatArray q, int t, int heads, int h0, int kvLora, int row,
                                     int qRow, int nope, int jc, int i) {
        int r = i >> CHUNK_SHIFT;
        int j = jc + (i & (CHUNK - 1));
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
