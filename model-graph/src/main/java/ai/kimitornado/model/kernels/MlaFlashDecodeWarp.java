package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed attention for ONE decode token, one warp per (context range, head): the fast decode variant of
 * {@link MlaFlashAttention} (the reference it is tested against; same math, same context ranges, same partial
 * format, so {@link MlaFlashCombine} merges either). Lane l owns latent columns l + 32i (i &lt; 16) and rope columns
 * kvLora + l + 32i (i &lt; 2): its query columns and running context stay in registers, each cache row is read once
 * per warp with coalesced loads (the next three positions' rows in flight while this one is scored: with one row
 * ahead the H200 measured ~1,900 cycles per position, the memory latency), the score is one warp sum, the softmax is
 * online per position. No local memory and no barrier: the reference walks each key tile through
 * local memory in 17 column chunks with two barriers each (latency-bound at decode: 8 of 128 items per head).
 * <pre>
 *   score_s = (qLat[h] · c_s + q_rope[h] · kr_s) · scale         (s in the range, s ≤ pos)
 *   m = max_s score_s,   l = Σ_s exp(score_s − m),   part[j] = Σ_s exp(score_s − m) · c_s[j]
 * </pre>
 * The positions [0, pos + 1) are cut as the reference cuts them: {@code splits} ranges of ⌈⌈(pos+1)/splits⌉/keyTile⌉·
 * keyTile positions. splits &gt; 1: writes partials[(h*splits + sp)*(kvLora+2)] = [part | m | l] (an empty range only
 * m = −1e30, l = 0); splits = 1: latentCtx[h] = part / l.
 * Shapes: qLat [H*kvLora], q [H*(nope+rope)], cache [maxCtx*(kvLora+rope)], partials [H*splits*(kvLora+2)], latentCtx
 * [H*kvLora]; kvLora ≤ {@value #MAX_LORA}, rope ≤ {@value #MAX_ROPE}. Grid: 1-D, whole warps, splits·H warps
 * (warp = sp·H + h; extra warps only keep the group's warp calls uniform); groups of 128 on GPUs (4 heads of one
 * range share its rows through L1; the registers allow 3 such groups per SM).
 */
public final class MlaFlashDecodeWarp {
    private MlaFlashDecodeWarp() {
    }

    /** Work-group size on GPUs: 4 warps (~170 registers per work-item: 3 groups per H200 SM). */
    public static final int LOCAL = 128;
    /** Latent columns one warp holds: 16 per lane. */
    public static final int MAX_LORA = 16 * KernelContext.WARP_SIZE;
    /** Rope columns one warp holds: 2 per lane. */
    public static final int MAX_ROPE = 2 * KernelContext.WARP_SIZE;

    public static void apply(KernelContext ctx, FloatArray qLat, FloatArray q, FloatArray cache, FloatArray partials,
                             FloatArray latentCtx, IntArray meta, int heads, int nope, int rope, int kvLora,
                             int keyTile, int splits, float scale) {
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lane = ctx.localIdx & (KernelContext.WARP_SIZE - 1);
        int warp = ctx.groupIdx * (ctx.localGroupSizeX / KernelContext.WARP_SIZE) + ctx.localIdx / KernelContext.WARP_SIZE;
        int sp = warp / heads;
        int h = warp - sp * heads;
        int pos = meta.get(KernelLimits.META_POSITION);
        int visible = pos + 1;
        int perSplit = ((visible + splits - 1) / splits + keyTile - 1) / keyTile * keyTile;
        int groupFirstSplit = ctx.groupIdx * (ctx.localGroupSizeX / KernelContext.WARP_SIZE) / heads;
        boolean mine = sp < splits; // warps past the last (range, head) only keep the group's warp calls uniform
        int s0 = sp * perSplit;
        int s1 = Math.min(s0 + perSplit, visible);
        int stride = kvLora + 2;
        int base = (h * splits + sp) * stride;
        if (mine && s1 <= s0 && lane == 0) {
            // a range past the causal horizon: an empty partial (l = 0), never read by the combine
            partials.set(base + kvLora, -1e30f);
            partials.set(base + kvLora + 1, 0f);
        }
        if (groupFirstSplit >= splits || groupFirstSplit * perSplit >= visible) {
            return; // uniform over the group: every warp of it is past the last range or the causal horizon
        }
        int row = kvLora + rope;
        // lane columns past kvLora / rope read a clamped valid column and carry a zero query: they add nothing to
        // the score, and their context accumulators are never written (no guarded loads: fewer registers)
        int qOff = h * kvLora;
        int rOff = h * (nope + rope) + nope;
        int j0 = lane + 0;
        int x0 = Math.min(j0, kvLora - 1);
        int j1 = lane + 32;
        int x1 = Math.min(j1, kvLora - 1);
        int j2 = lane + 64;
        int x2 = Math.min(j2, kvLora - 1);
        int j3 = lane + 96;
        int x3 = Math.min(j3, kvLora - 1);
        int j4 = lane + 128;
        int x4 = Math.min(j4, kvLora - 1);
        int j5 = lane + 160;
        int x5 = Math.min(j5, kvLora - 1);
        int j6 = lane + 192;
        int x6 = Math.min(j6, kvLora - 1);
        int j7 = lane + 224;
        int x7 = Math.min(j7, kvLora - 1);
        int j8 = lane + 256;
        int x8 = Math.min(j8, kvLora - 1);
        int j9 = lane + 288;
        int x9 = Math.min(j9, kvLora - 1);
        int j10 = lane + 320;
        int x10 = Math.min(j10, kvLora - 1);
        int j11 = lane + 352;
        int x11 = Math.min(j11, kvLora - 1);
        int j12 = lane + 384;
        int x12 = Math.min(j12, kvLora - 1);
        int j13 = lane + 416;
        int x13 = Math.min(j13, kvLora - 1);
        int j14 = lane + 448;
        int x14 = Math.min(j14, kvLora - 1);
        int j15 = lane + 480;
        int x15 = Math.min(j15, kvLora - 1);
        int r0 = lane + 0;
        int y0 = kvLora + Math.min(r0, rope - 1);
        int r1 = lane + 32;
        int y1 = kvLora + Math.min(r1, rope - 1);
        float q0 = j0 < kvLora ? qLat.get(qOff + j0) : 0f;
        float q1 = j1 < kvLora ? qLat.get(qOff + j1) : 0f;
        float q2 = j2 < kvLora ? qLat.get(qOff + j2) : 0f;
        float q3 = j3 < kvLora ? qLat.get(qOff + j3) : 0f;
        float q4 = j4 < kvLora ? qLat.get(qOff + j4) : 0f;
        float q5 = j5 < kvLora ? qLat.get(qOff + j5) : 0f;
        float q6 = j6 < kvLora ? qLat.get(qOff + j6) : 0f;
        float q7 = j7 < kvLora ? qLat.get(qOff + j7) : 0f;
        float q8 = j8 < kvLora ? qLat.get(qOff + j8) : 0f;
        float q9 = j9 < kvLora ? qLat.get(qOff + j9) : 0f;
        float q10 = j10 < kvLora ? qLat.get(qOff + j10) : 0f;
        float q11 = j11 < kvLora ? qLat.get(qOff + j11) : 0f;
        float q12 = j12 < kvLora ? qLat.get(qOff + j12) : 0f;
        float q13 = j13 < kvLora ? qLat.get(qOff + j13) : 0f;
        float q14 = j14 < kvLora ? qLat.get(qOff + j14) : 0f;
        float q15 = j15 < kvLora ? qLat.get(qOff + j15) : 0f;
        float qr0 = r0 < rope ? q.get(rOff + r0) : 0f;
        float qr1 = r1 < rope ? q.get(rOff + r1) : 0f;
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        float a4 = 0f;
        float a5 = 0f;
        float a6 = 0f;
        float a7 = 0f;
        float a8 = 0f;
        float a9 = 0f;
        float a10 = 0f;
        float a11 = 0f;
        float a12 = 0f;
        float a13 = 0f;
        float a14 = 0f;
        float a15 = 0f;
        float m = -1e30f;
        float l = 0f;
        int sLast = Math.max(Math.min(s1, visible) - 1, 0); // rows past the range are clamped re-reads, never used
        int cOff = Math.min(s0, sLast) * row;
        float c0 = cache.get(cOff + x0);
        float c1 = cache.get(cOff + x1);
        float c2 = cache.get(cOff + x2);
        float c3 = cache.get(cOff + x3);
        float c4 = cache.get(cOff + x4);
        float c5 = cache.get(cOff + x5);
        float c6 = cache.get(cOff + x6);
        float c7 = cache.get(cOff + x7);
        float c8 = cache.get(cOff + x8);
        float c9 = cache.get(cOff + x9);
        float c10 = cache.get(cOff + x10);
        float c11 = cache.get(cOff + x11);
        float c12 = cache.get(cOff + x12);
        float c13 = cache.get(cOff + x13);
        float c14 = cache.get(cOff + x14);
        float c15 = cache.get(cOff + x15);
        float cr0 = cache.get(cOff + y0);
        float cr1 = cache.get(cOff + y1);
        int eOff = Math.min(s0 + 1, sLast) * row;
        float e0 = cache.get(eOff + x0);
        float e1 = cache.get(eOff + x1);
        float e2 = cache.get(eOff + x2);
        float e3 = cache.get(eOff + x3);
        float e4 = cache.get(eOff + x4);
        float e5 = cache.get(eOff + x5);
        float e6 = cache.get(eOff + x6);
        float e7 = cache.get(eOff + x7);
        float e8 = cache.get(eOff + x8);
        float e9 = cache.get(eOff + x9);
        float e10 = cache.get(eOff + x10);
        float e11 = cache.get(eOff + x11);
        float e12 = cache.get(eOff + x12);
        float e13 = cache.get(eOff + x13);
        float e14 = cache.get(eOff + x14);
        float e15 = cache.get(eOff + x15);
        float er0 = cache.get(eOff + y0);
        float er1 = cache.get(eOff + y1);
        int fOff = Math.min(s0 + 2, sLast) * row;
        float f0 = cache.get(fOff + x0);
        float f1 = cache.get(fOff + x1);
        float f2 = cache.get(fOff + x2);
        float f3 = cache.get(fOff + x3);
        float f4 = cache.get(fOff + x4);
        float f5 = cache.get(fOff + x5);
        float f6 = cache.get(fOff + x6);
        float f7 = cache.get(fOff + x7);
        float f8 = cache.get(fOff + x8);
        float f9 = cache.get(fOff + x9);
        float f10 = cache.get(fOff + x10);
        float f11 = cache.get(fOff + x11);
        float f12 = cache.get(fOff + x12);
        float f13 = cache.get(fOff + x13);
        float f14 = cache.get(fOff + x14);
        float f15 = cache.get(fOff + x15);
        float fr0 = cache.get(fOff + y0);
        float fr1 = cache.get(fOff + y1);
        // the same trip count for every warp of the group (perSplit): warp sums are group-wide calls on the
        // barrier-emulated backends; positions past the warp's range score nothing (p = 0, no rescale)
        for (int k = 0; k < perSplit; k++) {
            int s = s0 + k;
            boolean live = mine && s < s1;
            // rows s+1, s+2 already in flight, row s+3 issued now: three rows of loads overlap this one's scoring
            // (the loop is bound by the memory latency per row otherwise; clamped re-reads past the range)
            int nOff = Math.min(s + 3, sLast) * row;
            float n0 = cache.get(nOff + x0);
            float n1 = cache.get(nOff + x1);
            float n2 = cache.get(nOff + x2);
            float n3 = cache.get(nOff + x3);
            float n4 = cache.get(nOff + x4);
            float n5 = cache.get(nOff + x5);
            float n6 = cache.get(nOff + x6);
            float n7 = cache.get(nOff + x7);
            float n8 = cache.get(nOff + x8);
            float n9 = cache.get(nOff + x9);
            float n10 = cache.get(nOff + x10);
            float n11 = cache.get(nOff + x11);
            float n12 = cache.get(nOff + x12);
            float n13 = cache.get(nOff + x13);
            float n14 = cache.get(nOff + x14);
            float n15 = cache.get(nOff + x15);
            float nr0 = cache.get(nOff + y0);
            float nr1 = cache.get(nOff + y1);
            float d0 = 0f;
            float d1 = 0f;
            d0 = Math.fma(q0, c0, d0);
            d1 = Math.fma(q1, c1, d1);
            d0 = Math.fma(q2, c2, d0);
            d1 = Math.fma(q3, c3, d1);
            d0 = Math.fma(q4, c4, d0);
            d1 = Math.fma(q5, c5, d1);
            d0 = Math.fma(q6, c6, d0);
            d1 = Math.fma(q7, c7, d1);
            d0 = Math.fma(q8, c8, d0);
            d1 = Math.fma(q9, c9, d1);
            d0 = Math.fma(q10, c10, d0);
            d1 = Math.fma(q11, c11, d1);
            d0 = Math.fma(q12, c12, d0);
            d1 = Math.fma(q13, c13, d1);
            d0 = Math.fma(q14, c14, d0);
            d1 = Math.fma(q15, c15, d1);
            d0 = Math.fma(qr0, cr0, d0);
            d1 = Math.fma(qr1, cr1, d1);
            float score = ctx.warpSum(d0 + d1) * scale;
            float mNew = live ? Math.max(m, score) : m;
            float alpha = live ? (float) Math.exp(m - mNew) : 1f;
            float p = live ? (float) Math.exp(score - mNew) : 0f;
            l = Math.fma(l, alpha, p);
            m = mNew;
            a0 = Math.fma(p, c0, a0 * alpha);
            a1 = Math.fma(p, c1, a1 * alpha);
            a2 = Math.fma(p, c2, a2 * alpha);
            a3 = Math.fma(p, c3, a3 * alpha);
            a4 = Math.fma(p, c4, a4 * alpha);
            a5 = Math.fma(p, c5, a5 * alpha);
            a6 = Math.fma(p, c6, a6 * alpha);
            a7 = Math.fma(p, c7, a7 * alpha);
            a8 = Math.fma(p, c8, a8 * alpha);
            a9 = Math.fma(p, c9, a9 * alpha);
            a10 = Math.fma(p, c10, a10 * alpha);
            a11 = Math.fma(p, c11, a11 * alpha);
            a12 = Math.fma(p, c12, a12 * alpha);
            a13 = Math.fma(p, c13, a13 * alpha);
            a14 = Math.fma(p, c14, a14 * alpha);
            a15 = Math.fma(p, c15, a15 * alpha);
            c0 = e0;
            e0 = f0;
            f0 = n0;
            c1 = e1;
            e1 = f1;
            f1 = n1;
            c2 = e2;
            e2 = f2;
            f2 = n2;
            c3 = e3;
            e3 = f3;
            f3 = n3;
            c4 = e4;
            e4 = f4;
            f4 = n4;
            c5 = e5;
            e5 = f5;
            f5 = n5;
            c6 = e6;
            e6 = f6;
            f6 = n6;
            c7 = e7;
            e7 = f7;
            f7 = n7;
            c8 = e8;
            e8 = f8;
            f8 = n8;
            c9 = e9;
            e9 = f9;
            f9 = n9;
            c10 = e10;
            e10 = f10;
            f10 = n10;
            c11 = e11;
            e11 = f11;
            f11 = n11;
            c12 = e12;
            e12 = f12;
            f12 = n12;
            c13 = e13;
            e13 = f13;
            f13 = n13;
            c14 = e14;
            e14 = f14;
            f14 = n14;
            c15 = e15;
            e15 = f15;
            f15 = n15;
            cr0 = er0;
            er0 = fr0;
            fr0 = nr0;
            cr1 = er1;
            er1 = fr1;
            fr1 = nr1;
        }
        if (!mine || s1 <= s0) {
            return;
        }
        if (splits == 1) {
            int o = h * kvLora;
            if (j0 < kvLora) {
                latentCtx.set(o + j0, a0 / l);
            }
            if (j1 < kvLora) {
                latentCtx.set(o + j1, a1 / l);
            }
            if (j2 < kvLora) {
                latentCtx.set(o + j2, a2 / l);
            }
            if (j3 < kvLora) {
                latentCtx.set(o + j3, a3 / l);
            }
            if (j4 < kvLora) {
                latentCtx.set(o + j4, a4 / l);
            }
            if (j5 < kvLora) {
                latentCtx.set(o + j5, a5 / l);
            }
            if (j6 < kvLora) {
                latentCtx.set(o + j6, a6 / l);
            }
            if (j7 < kvLora) {
                latentCtx.set(o + j7, a7 / l);
            }
            if (j8 < kvLora) {
                latentCtx.set(o + j8, a8 / l);
            }
            if (j9 < kvLora) {
                latentCtx.set(o + j9, a9 / l);
            }
            if (j10 < kvLora) {
                latentCtx.set(o + j10, a10 / l);
            }
            if (j11 < kvLora) {
                latentCtx.set(o + j11, a11 / l);
            }
            if (j12 < kvLora) {
                latentCtx.set(o + j12, a12 / l);
            }
            if (j13 < kvLora) {
                latentCtx.set(o + j13, a13 / l);
            }
            if (j14 < kvLora) {
                latentCtx.set(o + j14, a14 / l);
            }
            if (j15 < kvLora) {
                latentCtx.set(o + j15, a15 / l);
            }
        } else {
            if (j0 < kvLora) {
                partials.set(base + j0, a0);
            }
            if (j1 < kvLora) {
                partials.set(base + j1, a1);
            }
            if (j2 < kvLora) {
                partials.set(base + j2, a2);
            }
            if (j3 < kvLora) {
                partials.set(base + j3, a3);
            }
            if (j4 < kvLora) {
                partials.set(base + j4, a4);
            }
            if (j5 < kvLora) {
                partials.set(base + j5, a5);
            }
            if (j6 < kvLora) {
                partials.set(base + j6, a6);
            }
            if (j7 < kvLora) {
                partials.set(base + j7, a7);
            }
            if (j8 < kvLora) {
                partials.set(base + j8, a8);
            }
            if (j9 < kvLora) {
                partials.set(base + j9, a9);
            }
            if (j10 < kvLora) {
                partials.set(base + j10, a10);
            }
            if (j11 < kvLora) {
                partials.set(base + j11, a11);
            }
            if (j12 < kvLora) {
                partials.set(base + j12, a12);
            }
            if (j13 < kvLora) {
                partials.set(base + j13, a13);
            }
            if (j14 < kvLora) {
                partials.set(base + j14, a14);
            }
            if (j15 < kvLora) {
                partials.set(base + j15, a15);
            }
            if (lane == 0) {
                partials.set(base + kvLora, m);
                partials.set(base + kvLora + 1, l);
            }
        }
    }
}
