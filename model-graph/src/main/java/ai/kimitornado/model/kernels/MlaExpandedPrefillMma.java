package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * {@link MlaExpandedPrefill} (same contract, arguments, inputs and output; it is this kernel's reference) with the
 * score Q·Kᵀ and the P·V product on the warp-level bf16 tensor-core MMA ({@link KernelContext#mmaBf16}, m16n8k16).
 * fp32 accuracy from bf16 tensor cores: every operand x is split into hi = x rounded to bf16 and lo = (x − hi)
 * rounded to bf16, and each product takes three MMAs, hi·hi + hi·lo + lo·hi (the dropped lo·lo and the roundings
 * leave ~2⁻¹⁷ relative per product; sums in fp32).
 * <p>Grid: global (⌈C/64⌉·H·128), local (128): one work-group of 4 warps per (64-query tile, head), heaviest tiles
 * first. Warp w owns query rows 16w..16w+15 of the tile; lane (g = lane/4, t = lane%4) holds rows g and g+8 of the
 * warp's MMA fragments. Per 64-key tile: the score over the q·k dims in 32-dim chunks (Q and K chunks staged in local
 * memory as hi/lo bf16 pairs, rows padded to 20 ints: fragment loads conflict-free), 8 key n-tiles × 2 k-steps × 3 MMAs
 * per chunk; causal mask, online softmax (row max and sums over the 4 lanes of a row by xor shuffles); P stays in
 * registers (the accumulator layout of two key n-tiles is the A-fragment layout of one 16-key k-step) and V halves of
 * 64 columns are staged as hi/lo pairs along keys ([32 key pairs][72]); O (16 × 128 per warp) in 64 registers per lane.
 * 20 KiB of local memory (+ the MMA/shuffle exchange where the device emulates them). The JIT has no private
 * arrays, so fragments are named registers: this file is written by model-graph/codegen/mla_expanded_prefill_mma.py.
 */
public final class MlaExpandedPrefillMma {
    private MlaExpandedPrefillMma() {
    }

    /** Work-items per group: 4 warps. */
    public static final int THREADS = 128;
    /** Queries per work-group (16 per warp). */
    public static final int QUERY_TILE = 64;
    /** Keys per step of the key loop. */
    public static final int KEY_TILE = 64;
    /** Largest value head dim: 2 halves × 64 columns. */
    public static final int MAX_V = 128;
    /** q·k dims staged per step (2 MMA k-steps). */
    private static final int CHUNK = 32;
    /** Ints per staged Q/K row: 16 bf16 pairs + 4 pad (rows g = 0..7 of a fragment fall in distinct banks). */
    private static final int QK_STRIDE = 20;
    /** Ints of one staged plane (Q hi, Q lo, K hi, K lo): 64 rows. */
    private static final int QK_PLANE = 64 * QK_STRIDE;
    /** Ints per staged value key-pair row: 64 columns + 8 pad. */
    private static final int V_STRIDE = 72;
    /** Ints of one staged value plane (hi or lo): 32 key pairs. */
    private static final int V_PLANE = 32 * V_STRIDE;
    private static final int STAGE = 4 * QK_PLANE;
    private static final float NEG = -1e30f;

    public static void apply(KernelContext ctx, FloatArray q, FloatArray kv, FloatArray cache, FloatArray out,
                             IntArray meta, int heads, int nope, int rope, int vDim, int kvLora, float scale) {
        int[] st = ctx.allocateIntLocalArray(STAGE); // [4 planes][64][20] Q/K chunk pairs, or [2 planes][32][72] V pairs
        int count = meta.get(KernelLimits.META_COUNT);
        int pos = meta.get(KernelLimits.META_POSITION);
        int groups = ctx.globalGroupSizeX / ctx.localGroupSizeX;
        int gi = groups - 1 - ctx.groupIdx; // heaviest query tiles first
        int tile = gi / heads;
        int h = gi - tile * heads;
        int t0 = tile * QUERY_TILE;
        if (t0 >= count) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid & 31;
        int gr = lane >> 2;
        int tc = lane & 3;
        int rowA = 16 * (lid >> 5) + gr; // this lane's fragment rows: rowA and rowA + 8 of the tile
        int qk = nope + rope;
        int kvRow = nope + vDim;
        int latentRow = kvLora + rope;
        int keyEnd = pos + Math.min(t0 + QUERY_TILE, count); // keys this tile's last valid query sees
        int qpA = pos + t0 + rowA;
        int qpB = qpA + 8;
        int sp = lid & 15; // staging: Q/K pair sp of rows sr + 8e
        int sr = lid >> 4;
        int vc = lid & 63; // staging: value column vc of key pairs vk + 2e
        int vk = lid >> 6;
        float mA = NEG, mB = NEG;  // running row max (rows A = rowA, B = rowA + 8)
        float lA = 0f, lB = 0f;    // this lane's part of the running row sums
        float o0_0 = 0f, o0_1 = 0f, o0_2 = 0f, o0_3 = 0f;
        float o1_0 = 0f, o1_1 = 0f, o1_2 = 0f, o1_3 = 0f;
        float o2_0 = 0f, o2_1 = 0f, o2_2 = 0f, o2_3 = 0f;
        float o3_0 = 0f, o3_1 = 0f, o3_2 = 0f, o3_3 = 0f;
        float o4_0 = 0f, o4_1 = 0f, o4_2 = 0f, o4_3 = 0f;
        float o5_0 = 0f, o5_1 = 0f, o5_2 = 0f, o5_3 = 0f;
        float o6_0 = 0f, o6_1 = 0f, o6_2 = 0f, o6_3 = 0f;
        float o7_0 = 0f, o7_1 = 0f, o7_2 = 0f, o7_3 = 0f;
        float o8_0 = 0f, o8_1 = 0f, o8_2 = 0f, o8_3 = 0f;
        float o9_0 = 0f, o9_1 = 0f, o9_2 = 0f, o9_3 = 0f;
        float o10_0 = 0f, o10_1 = 0f, o10_2 = 0f, o10_3 = 0f;
        float o11_0 = 0f, o11_1 = 0f, o11_2 = 0f, o11_3 = 0f;
        float o12_0 = 0f, o12_1 = 0f, o12_2 = 0f, o12_3 = 0f;
        float o13_0 = 0f, o13_1 = 0f, o13_2 = 0f, o13_3 = 0f;
        float o14_0 = 0f, o14_1 = 0f, o14_2 = 0f, o14_3 = 0f;
        float o15_0 = 0f, o15_1 = 0f, o15_2 = 0f, o15_3 = 0f;
        for (int k0 = 0; k0 < keyEnd; k0 += KEY_TILE) {
            float s0_0 = 0f, s0_1 = 0f, s0_2 = 0f, s0_3 = 0f;
            float s1_0 = 0f, s1_1 = 0f, s1_2 = 0f, s1_3 = 0f;
            float s2_0 = 0f, s2_1 = 0f, s2_2 = 0f, s2_3 = 0f;
            float s3_0 = 0f, s3_1 = 0f, s3_2 = 0f, s3_3 = 0f;
            float s4_0 = 0f, s4_1 = 0f, s4_2 = 0f, s4_3 = 0f;
            float s5_0 = 0f, s5_1 = 0f, s5_2 = 0f, s5_3 = 0f;
            float s6_0 = 0f, s6_1 = 0f, s6_2 = 0f, s6_3 = 0f;
            float s7_0 = 0f, s7_1 = 0f, s7_2 = 0f, s7_3 = 0f;
            for (int dc = 0; dc < qk; dc += CHUNK) {
                stageQueryKeys(st, q, kv, cache, count, keyEnd, t0, k0, dc, sr, sp, h, heads, nope, qk, kvRow, latentRow,
                        kvLora);
                ctx.localBarrier();
                for (int ks = 0; ks < 2; ks++) {
                    int ao = rowA * QK_STRIDE + ks * 8 + tc;
                    int ah0 = st[ao];
                    int ah1 = st[ao + 8 * QK_STRIDE];
                    int ah2 = st[ao + 4];
                    int ah3 = st[ao + 8 * QK_STRIDE + 4];
                    int al0 = st[QK_PLANE + ao];
                    int al1 = st[QK_PLANE + ao + 8 * QK_STRIDE];
                    int al2 = st[QK_PLANE + ao + 4];
                    int al3 = st[QK_PLANE + ao + 8 * QK_STRIDE + 4];
                    int bo = 2 * QK_PLANE + gr * QK_STRIDE + ks * 8 + tc;
                    int bh00 = st[bo];
                    int bh01 = st[bo + 4];
                    int bl00 = st[bo + QK_PLANE];
                    int bl01 = st[bo + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl00 : bh00, loB ? bl01 : bh01, s0_0, s0_1, s0_2, s0_3);
                        s0_0 = ctx.mmaResult(0);
                        s0_1 = ctx.mmaResult(1);
                        s0_2 = ctx.mmaResult(2);
                        s0_3 = ctx.mmaResult(3);
                    }
                    int bh10 = st[bo + 8 * QK_STRIDE];
                    int bh11 = st[bo + 8 * QK_STRIDE + 4];
                    int bl10 = st[bo + 8 * QK_STRIDE + QK_PLANE];
                    int bl11 = st[bo + 8 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl10 : bh10, loB ? bl11 : bh11, s1_0, s1_1, s1_2, s1_3);
                        s1_0 = ctx.mmaResult(0);
                        s1_1 = ctx.mmaResult(1);
                        s1_2 = ctx.mmaResult(2);
                        s1_3 = ctx.mmaResult(3);
                    }
                    int bh20 = st[bo + 16 * QK_STRIDE];
                    int bh21 = st[bo + 16 * QK_STRIDE + 4];
                    int bl20 = st[bo + 16 * QK_STRIDE + QK_PLANE];
                    int bl21 = st[bo + 16 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl20 : bh20, loB ? bl21 : bh21, s2_0, s2_1, s2_2, s2_3);
                        s2_0 = ctx.mmaResult(0);
                        s2_1 = ctx.mmaResult(1);
                        s2_2 = ctx.mmaResult(2);
                        s2_3 = ctx.mmaResult(3);
                    }
                    int bh30 = st[bo + 24 * QK_STRIDE];
                    int bh31 = st[bo + 24 * QK_STRIDE + 4];
                    int bl30 = st[bo + 24 * QK_STRIDE + QK_PLANE];
                    int bl31 = st[bo + 24 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl30 : bh30, loB ? bl31 : bh31, s3_0, s3_1, s3_2, s3_3);
                        s3_0 = ctx.mmaResult(0);
                        s3_1 = ctx.mmaResult(1);
                        s3_2 = ctx.mmaResult(2);
                        s3_3 = ctx.mmaResult(3);
                    }
                    int bh40 = st[bo + 32 * QK_STRIDE];
                    int bh41 = st[bo + 32 * QK_STRIDE + 4];
                    int bl40 = st[bo + 32 * QK_STRIDE + QK_PLANE];
                    int bl41 = st[bo + 32 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl40 : bh40, loB ? bl41 : bh41, s4_0, s4_1, s4_2, s4_3);
                        s4_0 = ctx.mmaResult(0);
                        s4_1 = ctx.mmaResult(1);
                        s4_2 = ctx.mmaResult(2);
                        s4_3 = ctx.mmaResult(3);
                    }
                    int bh50 = st[bo + 40 * QK_STRIDE];
                    int bh51 = st[bo + 40 * QK_STRIDE + 4];
                    int bl50 = st[bo + 40 * QK_STRIDE + QK_PLANE];
                    int bl51 = st[bo + 40 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl50 : bh50, loB ? bl51 : bh51, s5_0, s5_1, s5_2, s5_3);
                        s5_0 = ctx.mmaResult(0);
                        s5_1 = ctx.mmaResult(1);
                        s5_2 = ctx.mmaResult(2);
                        s5_3 = ctx.mmaResult(3);
                    }
                    int bh60 = st[bo + 48 * QK_STRIDE];
                    int bh61 = st[bo + 48 * QK_STRIDE + 4];
                    int bl60 = st[bo + 48 * QK_STRIDE + QK_PLANE];
                    int bl61 = st[bo + 48 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl60 : bh60, loB ? bl61 : bh61, s6_0, s6_1, s6_2, s6_3);
                        s6_0 = ctx.mmaResult(0);
                        s6_1 = ctx.mmaResult(1);
                        s6_2 = ctx.mmaResult(2);
                        s6_3 = ctx.mmaResult(3);
                    }
                    int bh70 = st[bo + 56 * QK_STRIDE];
                    int bh71 = st[bo + 56 * QK_STRIDE + 4];
                    int bl70 = st[bo + 56 * QK_STRIDE + QK_PLANE];
                    int bl71 = st[bo + 56 * QK_STRIDE + QK_PLANE + 4];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? al0 : ah0, loA ? al1 : ah1, loA ? al2 : ah2, loA ? al3 : ah3,
                                loB ? bl70 : bh70, loB ? bl71 : bh71, s7_0, s7_1, s7_2, s7_3);
                        s7_0 = ctx.mmaResult(0);
                        s7_1 = ctx.mmaResult(1);
                        s7_2 = ctx.mmaResult(2);
                        s7_3 = ctx.mmaResult(3);
                    }
                }
                ctx.localBarrier();
            }
            // causal mask and scale: key k0 + 8j + 2t (+1) against the positions of rows A and B
            int kb = k0 + 2 * tc;
            s0_0 = kb <= qpA ? s0_0 * scale : NEG;
            s0_1 = kb + 1 <= qpA ? s0_1 * scale : NEG;
            s0_2 = kb <= qpB ? s0_2 * scale : NEG;
            s0_3 = kb + 1 <= qpB ? s0_3 * scale : NEG;
            s1_0 = kb + 8 <= qpA ? s1_0 * scale : NEG;
            s1_1 = kb + 9 <= qpA ? s1_1 * scale : NEG;
            s1_2 = kb + 8 <= qpB ? s1_2 * scale : NEG;
            s1_3 = kb + 9 <= qpB ? s1_3 * scale : NEG;
            s2_0 = kb + 16 <= qpA ? s2_0 * scale : NEG;
            s2_1 = kb + 17 <= qpA ? s2_1 * scale : NEG;
            s2_2 = kb + 16 <= qpB ? s2_2 * scale : NEG;
            s2_3 = kb + 17 <= qpB ? s2_3 * scale : NEG;
            s3_0 = kb + 24 <= qpA ? s3_0 * scale : NEG;
            s3_1 = kb + 25 <= qpA ? s3_1 * scale : NEG;
            s3_2 = kb + 24 <= qpB ? s3_2 * scale : NEG;
            s3_3 = kb + 25 <= qpB ? s3_3 * scale : NEG;
            s4_0 = kb + 32 <= qpA ? s4_0 * scale : NEG;
            s4_1 = kb + 33 <= qpA ? s4_1 * scale : NEG;
            s4_2 = kb + 32 <= qpB ? s4_2 * scale : NEG;
            s4_3 = kb + 33 <= qpB ? s4_3 * scale : NEG;
            s5_0 = kb + 40 <= qpA ? s5_0 * scale : NEG;
            s5_1 = kb + 41 <= qpA ? s5_1 * scale : NEG;
            s5_2 = kb + 40 <= qpB ? s5_2 * scale : NEG;
            s5_3 = kb + 41 <= qpB ? s5_3 * scale : NEG;
            s6_0 = kb + 48 <= qpA ? s6_0 * scale : NEG;
            s6_1 = kb + 49 <= qpA ? s6_1 * scale : NEG;
            s6_2 = kb + 48 <= qpB ? s6_2 * scale : NEG;
            s6_3 = kb + 49 <= qpB ? s6_3 * scale : NEG;
            s7_0 = kb + 56 <= qpA ? s7_0 * scale : NEG;
            s7_1 = kb + 57 <= qpA ? s7_1 * scale : NEG;
            s7_2 = kb + 56 <= qpB ? s7_2 * scale : NEG;
            s7_3 = kb + 57 <= qpB ? s7_3 * scale : NEG;
            float xA = NEG;
            float xB = NEG;
            xA = Math.max(xA, Math.max(s0_0, s0_1));
            xB = Math.max(xB, Math.max(s0_2, s0_3));
            xA = Math.max(xA, Math.max(s1_0, s1_1));
            xB = Math.max(xB, Math.max(s1_2, s1_3));
            xA = Math.max(xA, Math.max(s2_0, s2_1));
            xB = Math.max(xB, Math.max(s2_2, s2_3));
            xA = Math.max(xA, Math.max(s3_0, s3_1));
            xB = Math.max(xB, Math.max(s3_2, s3_3));
            xA = Math.max(xA, Math.max(s4_0, s4_1));
            xB = Math.max(xB, Math.max(s4_2, s4_3));
            xA = Math.max(xA, Math.max(s5_0, s5_1));
            xB = Math.max(xB, Math.max(s5_2, s5_3));
            xA = Math.max(xA, Math.max(s6_0, s6_1));
            xB = Math.max(xB, Math.max(s6_2, s6_3));
            xA = Math.max(xA, Math.max(s7_0, s7_1));
            xB = Math.max(xB, Math.max(s7_2, s7_3));
            xA = Math.max(xA, ctx.shuffleXor(xA, 1));
            xB = Math.max(xB, ctx.shuffleXor(xB, 1));
            xA = Math.max(xA, ctx.shuffleXor(xA, 2));
            xB = Math.max(xB, ctx.shuffleXor(xB, 2));
            float nA = Math.max(mA, xA);
            float nB = Math.max(mB, xB);
            float aA = (float) Math.exp(mA - nA);
            float aB = (float) Math.exp(mB - nB);
            mA = nA;
            mB = nB;
            // p = exp(s − m), 0 where masked (NEG)
            float sumA = 0f;
            float sumB = 0f;
            s0_0 = s0_0 > NEG ? (float) Math.exp(s0_0 - nA) : 0f;
            s0_1 = s0_1 > NEG ? (float) Math.exp(s0_1 - nA) : 0f;
            s0_2 = s0_2 > NEG ? (float) Math.exp(s0_2 - nB) : 0f;
            s0_3 = s0_3 > NEG ? (float) Math.exp(s0_3 - nB) : 0f;
            sumA += s0_0 + s0_1;
            sumB += s0_2 + s0_3;
            s1_0 = s1_0 > NEG ? (float) Math.exp(s1_0 - nA) : 0f;
            s1_1 = s1_1 > NEG ? (float) Math.exp(s1_1 - nA) : 0f;
            s1_2 = s1_2 > NEG ? (float) Math.exp(s1_2 - nB) : 0f;
            s1_3 = s1_3 > NEG ? (float) Math.exp(s1_3 - nB) : 0f;
            sumA += s1_0 + s1_1;
            sumB += s1_2 + s1_3;
            s2_0 = s2_0 > NEG ? (float) Math.exp(s2_0 - nA) : 0f;
            s2_1 = s2_1 > NEG ? (float) Math.exp(s2_1 - nA) : 0f;
            s2_2 = s2_2 > NEG ? (float) Math.exp(s2_2 - nB) : 0f;
            s2_3 = s2_3 > NEG ? (float) Math.exp(s2_3 - nB) : 0f;
            sumA += s2_0 + s2_1;
            sumB += s2_2 + s2_3;
            s3_0 = s3_0 > NEG ? (float) Math.exp(s3_0 - nA) : 0f;
            s3_1 = s3_1 > NEG ? (float) Math.exp(s3_1 - nA) : 0f;
            s3_2 = s3_2 > NEG ? (float) Math.exp(s3_2 - nB) : 0f;
            s3_3 = s3_3 > NEG ? (float) Math.exp(s3_3 - nB) : 0f;
            sumA += s3_0 + s3_1;
            sumB += s3_2 + s3_3;
            s4_0 = s4_0 > NEG ? (float) Math.exp(s4_0 - nA) : 0f;
            s4_1 = s4_1 > NEG ? (float) Math.exp(s4_1 - nA) : 0f;
            s4_2 = s4_2 > NEG ? (float) Math.exp(s4_2 - nB) : 0f;
            s4_3 = s4_3 > NEG ? (float) Math.exp(s4_3 - nB) : 0f;
            sumA += s4_0 + s4_1;
            sumB += s4_2 + s4_3;
            s5_0 = s5_0 > NEG ? (float) Math.exp(s5_0 - nA) : 0f;
            s5_1 = s5_1 > NEG ? (float) Math.exp(s5_1 - nA) : 0f;
            s5_2 = s5_2 > NEG ? (float) Math.exp(s5_2 - nB) : 0f;
            s5_3 = s5_3 > NEG ? (float) Math.exp(s5_3 - nB) : 0f;
            sumA += s5_0 + s5_1;
            sumB += s5_2 + s5_3;
            s6_0 = s6_0 > NEG ? (float) Math.exp(s6_0 - nA) : 0f;
            s6_1 = s6_1 > NEG ? (float) Math.exp(s6_1 - nA) : 0f;
            s6_2 = s6_2 > NEG ? (float) Math.exp(s6_2 - nB) : 0f;
            s6_3 = s6_3 > NEG ? (float) Math.exp(s6_3 - nB) : 0f;
            sumA += s6_0 + s6_1;
            sumB += s6_2 + s6_3;
            s7_0 = s7_0 > NEG ? (float) Math.exp(s7_0 - nA) : 0f;
            s7_1 = s7_1 > NEG ? (float) Math.exp(s7_1 - nA) : 0f;
            s7_2 = s7_2 > NEG ? (float) Math.exp(s7_2 - nB) : 0f;
            s7_3 = s7_3 > NEG ? (float) Math.exp(s7_3 - nB) : 0f;
            sumA += s7_0 + s7_1;
            sumB += s7_2 + s7_3;
            lA = lA * aA + sumA;
            lB = lB * aB + sumB;
            o0_0 *= aA;
            o0_1 *= aA;
            o0_2 *= aB;
            o0_3 *= aB;
            o1_0 *= aA;
            o1_1 *= aA;
            o1_2 *= aB;
            o1_3 *= aB;
            o2_0 *= aA;
            o2_1 *= aA;
            o2_2 *= aB;
            o2_3 *= aB;
            o3_0 *= aA;
            o3_1 *= aA;
            o3_2 *= aB;
            o3_3 *= aB;
            o4_0 *= aA;
            o4_1 *= aA;
            o4_2 *= aB;
            o4_3 *= aB;
            o5_0 *= aA;
            o5_1 *= aA;
            o5_2 *= aB;
            o5_3 *= aB;
            o6_0 *= aA;
            o6_1 *= aA;
            o6_2 *= aB;
            o6_3 *= aB;
            o7_0 *= aA;
            o7_1 *= aA;
            o7_2 *= aB;
            o7_3 *= aB;
            o8_0 *= aA;
            o8_1 *= aA;
            o8_2 *= aB;
            o8_3 *= aB;
            o9_0 *= aA;
            o9_1 *= aA;
            o9_2 *= aB;
            o9_3 *= aB;
            o10_0 *= aA;
            o10_1 *= aA;
            o10_2 *= aB;
            o10_3 *= aB;
            o11_0 *= aA;
            o11_1 *= aA;
            o11_2 *= aB;
            o11_3 *= aB;
            o12_0 *= aA;
            o12_1 *= aA;
            o12_2 *= aB;
            o12_3 *= aB;
            o13_0 *= aA;
            o13_1 *= aA;
            o13_2 *= aB;
            o13_3 *= aB;
            o14_0 *= aA;
            o14_1 *= aA;
            o14_2 *= aB;
            o14_3 *= aB;
            o15_0 *= aA;
            o15_1 *= aA;
            o15_2 *= aB;
            o15_3 *= aB;
            { // P·V, value columns 0..63
                stageValues(st, kv, keyEnd, k0, vk, vc, 0, h, heads, nope, vDim, kvRow);
                ctx.localBarrier();
                for (int kk = 0; kk < 4; kk++) { // keys 16kk..16kk+15: P fragment from score n-tiles 2kk, 2kk+1
                    float f0 = kk == 0 ? s0_0 : kk == 1 ? s2_0 : kk == 2 ? s4_0 : s6_0;
                    float f1 = kk == 0 ? s0_1 : kk == 1 ? s2_1 : kk == 2 ? s4_1 : s6_1;
                    float f2 = kk == 0 ? s0_2 : kk == 1 ? s2_2 : kk == 2 ? s4_2 : s6_2;
                    float f3 = kk == 0 ? s0_3 : kk == 1 ? s2_3 : kk == 2 ? s4_3 : s6_3;
                    float f4 = kk == 0 ? s1_0 : kk == 1 ? s3_0 : kk == 2 ? s5_0 : s7_0;
                    float f5 = kk == 0 ? s1_1 : kk == 1 ? s3_1 : kk == 2 ? s5_1 : s7_1;
                    float f6 = kk == 0 ? s1_2 : kk == 1 ? s3_2 : kk == 2 ? s5_2 : s7_2;
                    float f7 = kk == 0 ? s1_3 : kk == 1 ? s3_3 : kk == 2 ? s5_3 : s7_3;
                    int ph0 = pairHi(f0, f1);
                    int ph1 = pairHi(f2, f3);
                    int ph2 = pairHi(f4, f5);
                    int ph3 = pairHi(f6, f7);
                    int pl0 = pairLo(f0, f1);
                    int pl1 = pairLo(f2, f3);
                    int pl2 = pairLo(f4, f5);
                    int pl3 = pairLo(f6, f7);
                    int vo = (8 * kk + tc) * V_STRIDE + gr;
                    int vh00 = st[vo + 0];
                    int vh01 = st[vo + 0 + 4 * V_STRIDE];
                    int vl00 = st[V_PLANE + vo + 0];
                    int vl01 = st[V_PLANE + vo + 0 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl00 : vh00, loB ? vl01 : vh01, o0_0, o0_1, o0_2, o0_3);
                        o0_0 = ctx.mmaResult(0);
                        o0_1 = ctx.mmaResult(1);
                        o0_2 = ctx.mmaResult(2);
                        o0_3 = ctx.mmaResult(3);
                    }
                    int vh10 = st[vo + 8];
                    int vh11 = st[vo + 8 + 4 * V_STRIDE];
                    int vl10 = st[V_PLANE + vo + 8];
                    int vl11 = st[V_PLANE + vo + 8 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl10 : vh10, loB ? vl11 : vh11, o1_0, o1_1, o1_2, o1_3);
                        o1_0 = ctx.mmaResult(0);
                        o1_1 = ctx.mmaResult(1);
                        o1_2 = ctx.mmaResult(2);
                        o1_3 = ctx.mmaResult(3);
                    }
                    int vh20 = st[vo + 16];
                    int vh21 = st[vo + 16 + 4 * V_STRIDE];
                    int vl20 = st[V_PLANE + vo + 16];
                    int vl21 = st[V_PLANE + vo + 16 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl20 : vh20, loB ? vl21 : vh21, o2_0, o2_1, o2_2, o2_3);
                        o2_0 = ctx.mmaResult(0);
                        o2_1 = ctx.mmaResult(1);
                        o2_2 = ctx.mmaResult(2);
                        o2_3 = ctx.mmaResult(3);
                    }
                    int vh30 = st[vo + 24];
                    int vh31 = st[vo + 24 + 4 * V_STRIDE];
                    int vl30 = st[V_PLANE + vo + 24];
                    int vl31 = st[V_PLANE + vo + 24 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl30 : vh30, loB ? vl31 : vh31, o3_0, o3_1, o3_2, o3_3);
                        o3_0 = ctx.mmaResult(0);
                        o3_1 = ctx.mmaResult(1);
                        o3_2 = ctx.mmaResult(2);
                        o3_3 = ctx.mmaResult(3);
                    }
                    int vh40 = st[vo + 32];
                    int vh41 = st[vo + 32 + 4 * V_STRIDE];
                    int vl40 = st[V_PLANE + vo + 32];
                    int vl41 = st[V_PLANE + vo + 32 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl40 : vh40, loB ? vl41 : vh41, o4_0, o4_1, o4_2, o4_3);
                        o4_0 = ctx.mmaResult(0);
                        o4_1 = ctx.mmaResult(1);
                        o4_2 = ctx.mmaResult(2);
                        o4_3 = ctx.mmaResult(3);
                    }
                    int vh50 = st[vo + 40];
                    int vh51 = st[vo + 40 + 4 * V_STRIDE];
                    int vl50 = st[V_PLANE + vo + 40];
                    int vl51 = st[V_PLANE + vo + 40 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl50 : vh50, loB ? vl51 : vh51, o5_0, o5_1, o5_2, o5_3);
                        o5_0 = ctx.mmaResult(0);
                        o5_1 = ctx.mmaResult(1);
                        o5_2 = ctx.mmaResult(2);
                        o5_3 = ctx.mmaResult(3);
                    }
                    int vh60 = st[vo + 48];
                    int vh61 = st[vo + 48 + 4 * V_STRIDE];
                    int vl60 = st[V_PLANE + vo + 48];
                    int vl61 = st[V_PLANE + vo + 48 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl60 : vh60, loB ? vl61 : vh61, o6_0, o6_1, o6_2, o6_3);
                        o6_0 = ctx.mmaResult(0);
                        o6_1 = ctx.mmaResult(1);
                        o6_2 = ctx.mmaResult(2);
                        o6_3 = ctx.mmaResult(3);
                    }
                    int vh70 = st[vo + 56];
                    int vh71 = st[vo + 56 + 4 * V_STRIDE];
                    int vl70 = st[V_PLANE + vo + 56];
                    int vl71 = st[V_PLANE + vo + 56 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl70 : vh70, loB ? vl71 : vh71, o7_0, o7_1, o7_2, o7_3);
                        o7_0 = ctx.mmaResult(0);
                        o7_1 = ctx.mmaResult(1);
                        o7_2 = ctx.mmaResult(2);
                        o7_3 = ctx.mmaResult(3);
                    }
                }
                ctx.localBarrier();
            }
            if (vDim > 64) { // value columns 64..127, uniform over the group
                stageValues(st, kv, keyEnd, k0, vk, vc, 64, h, heads, nope, vDim, kvRow);
                ctx.localBarrier();
                for (int kk = 0; kk < 4; kk++) { // keys 16kk..16kk+15: P fragment from score n-tiles 2kk, 2kk+1
                    float f0 = kk == 0 ? s0_0 : kk == 1 ? s2_0 : kk == 2 ? s4_0 : s6_0;
                    float f1 = kk == 0 ? s0_1 : kk == 1 ? s2_1 : kk == 2 ? s4_1 : s6_1;
                    float f2 = kk == 0 ? s0_2 : kk == 1 ? s2_2 : kk == 2 ? s4_2 : s6_2;
                    float f3 = kk == 0 ? s0_3 : kk == 1 ? s2_3 : kk == 2 ? s4_3 : s6_3;
                    float f4 = kk == 0 ? s1_0 : kk == 1 ? s3_0 : kk == 2 ? s5_0 : s7_0;
                    float f5 = kk == 0 ? s1_1 : kk == 1 ? s3_1 : kk == 2 ? s5_1 : s7_1;
                    float f6 = kk == 0 ? s1_2 : kk == 1 ? s3_2 : kk == 2 ? s5_2 : s7_2;
                    float f7 = kk == 0 ? s1_3 : kk == 1 ? s3_3 : kk == 2 ? s5_3 : s7_3;
                    int ph0 = pairHi(f0, f1);
                    int ph1 = pairHi(f2, f3);
                    int ph2 = pairHi(f4, f5);
                    int ph3 = pairHi(f6, f7);
                    int pl0 = pairLo(f0, f1);
                    int pl1 = pairLo(f2, f3);
                    int pl2 = pairLo(f4, f5);
                    int pl3 = pairLo(f6, f7);
                    int vo = (8 * kk + tc) * V_STRIDE + gr;
                    int vh00 = st[vo + 0];
                    int vh01 = st[vo + 0 + 4 * V_STRIDE];
                    int vl00 = st[V_PLANE + vo + 0];
                    int vl01 = st[V_PLANE + vo + 0 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl00 : vh00, loB ? vl01 : vh01, o8_0, o8_1, o8_2, o8_3);
                        o8_0 = ctx.mmaResult(0);
                        o8_1 = ctx.mmaResult(1);
                        o8_2 = ctx.mmaResult(2);
                        o8_3 = ctx.mmaResult(3);
                    }
                    int vh10 = st[vo + 8];
                    int vh11 = st[vo + 8 + 4 * V_STRIDE];
                    int vl10 = st[V_PLANE + vo + 8];
                    int vl11 = st[V_PLANE + vo + 8 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl10 : vh10, loB ? vl11 : vh11, o9_0, o9_1, o9_2, o9_3);
                        o9_0 = ctx.mmaResult(0);
                        o9_1 = ctx.mmaResult(1);
                        o9_2 = ctx.mmaResult(2);
                        o9_3 = ctx.mmaResult(3);
                    }
                    int vh20 = st[vo + 16];
                    int vh21 = st[vo + 16 + 4 * V_STRIDE];
                    int vl20 = st[V_PLANE + vo + 16];
                    int vl21 = st[V_PLANE + vo + 16 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl20 : vh20, loB ? vl21 : vh21, o10_0, o10_1, o10_2, o10_3);
                        o10_0 = ctx.mmaResult(0);
                        o10_1 = ctx.mmaResult(1);
                        o10_2 = ctx.mmaResult(2);
                        o10_3 = ctx.mmaResult(3);
                    }
                    int vh30 = st[vo + 24];
                    int vh31 = st[vo + 24 + 4 * V_STRIDE];
                    int vl30 = st[V_PLANE + vo + 24];
                    int vl31 = st[V_PLANE + vo + 24 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl30 : vh30, loB ? vl31 : vh31, o11_0, o11_1, o11_2, o11_3);
                        o11_0 = ctx.mmaResult(0);
                        o11_1 = ctx.mmaResult(1);
                        o11_2 = ctx.mmaResult(2);
                        o11_3 = ctx.mmaResult(3);
                    }
                    int vh40 = st[vo + 32];
                    int vh41 = st[vo + 32 + 4 * V_STRIDE];
                    int vl40 = st[V_PLANE + vo + 32];
                    int vl41 = st[V_PLANE + vo + 32 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl40 : vh40, loB ? vl41 : vh41, o12_0, o12_1, o12_2, o12_3);
                        o12_0 = ctx.mmaResult(0);
                        o12_1 = ctx.mmaResult(1);
                        o12_2 = ctx.mmaResult(2);
                        o12_3 = ctx.mmaResult(3);
                    }
                    int vh50 = st[vo + 40];
                    int vh51 = st[vo + 40 + 4 * V_STRIDE];
                    int vl50 = st[V_PLANE + vo + 40];
                    int vl51 = st[V_PLANE + vo + 40 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl50 : vh50, loB ? vl51 : vh51, o13_0, o13_1, o13_2, o13_3);
                        o13_0 = ctx.mmaResult(0);
                        o13_1 = ctx.mmaResult(1);
                        o13_2 = ctx.mmaResult(2);
                        o13_3 = ctx.mmaResult(3);
                    }
                    int vh60 = st[vo + 48];
                    int vh61 = st[vo + 48 + 4 * V_STRIDE];
                    int vl60 = st[V_PLANE + vo + 48];
                    int vl61 = st[V_PLANE + vo + 48 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl60 : vh60, loB ? vl61 : vh61, o14_0, o14_1, o14_2, o14_3);
                        o14_0 = ctx.mmaResult(0);
                        o14_1 = ctx.mmaResult(1);
                        o14_2 = ctx.mmaResult(2);
                        o14_3 = ctx.mmaResult(3);
                    }
                    int vh70 = st[vo + 56];
                    int vh71 = st[vo + 56 + 4 * V_STRIDE];
                    int vl70 = st[V_PLANE + vo + 56];
                    int vl71 = st[V_PLANE + vo + 56 + 4 * V_STRIDE];
                    for (int sx = 0; sx < 3; sx++) {
                        boolean loA = sx == 2;
                        boolean loB = sx == 1;
                        ctx.mmaBf16(loA ? pl0 : ph0, loA ? pl1 : ph1, loA ? pl2 : ph2, loA ? pl3 : ph3,
                                loB ? vl70 : vh70, loB ? vl71 : vh71, o15_0, o15_1, o15_2, o15_3);
                        o15_0 = ctx.mmaResult(0);
                        o15_1 = ctx.mmaResult(1);
                        o15_2 = ctx.mmaResult(2);
                        o15_3 = ctx.mmaResult(3);
                    }
                }
                ctx.localBarrier();
            }
        }
        // row sums: the parts of the 4 lanes of each row
        lA += ctx.shuffleXor(lA, 1);
        lB += ctx.shuffleXor(lB, 1);
        lA += ctx.shuffleXor(lA, 2);
        lB += ctx.shuffleXor(lB, 2);
        float rA = 1f / lA;
        float rB = 1f / lB;
        int stride = heads * vDim;
        int col = 2 * tc;
        int tA = t0 + rowA;
        int baseA = tA * stride + h * vDim + col;
        int baseB = baseA + 8 * stride;
        storePair(out, count, vDim, tA, baseA + 0, col + 0, o0_0 * rA, o0_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 0, col + 0, o0_2 * rB, o0_3 * rB);
        storePair(out, count, vDim, tA, baseA + 8, col + 8, o1_0 * rA, o1_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 8, col + 8, o1_2 * rB, o1_3 * rB);
        storePair(out, count, vDim, tA, baseA + 16, col + 16, o2_0 * rA, o2_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 16, col + 16, o2_2 * rB, o2_3 * rB);
        storePair(out, count, vDim, tA, baseA + 24, col + 24, o3_0 * rA, o3_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 24, col + 24, o3_2 * rB, o3_3 * rB);
        storePair(out, count, vDim, tA, baseA + 32, col + 32, o4_0 * rA, o4_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 32, col + 32, o4_2 * rB, o4_3 * rB);
        storePair(out, count, vDim, tA, baseA + 40, col + 40, o5_0 * rA, o5_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 40, col + 40, o5_2 * rB, o5_3 * rB);
        storePair(out, count, vDim, tA, baseA + 48, col + 48, o6_0 * rA, o6_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 48, col + 48, o6_2 * rB, o6_3 * rB);
        storePair(out, count, vDim, tA, baseA + 56, col + 56, o7_0 * rA, o7_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 56, col + 56, o7_2 * rB, o7_3 * rB);
        storePair(out, count, vDim, tA, baseA + 64, col + 64, o8_0 * rA, o8_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 64, col + 64, o8_2 * rB, o8_3 * rB);
        storePair(out, count, vDim, tA, baseA + 72, col + 72, o9_0 * rA, o9_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 72, col + 72, o9_2 * rB, o9_3 * rB);
        storePair(out, count, vDim, tA, baseA + 80, col + 80, o10_0 * rA, o10_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 80, col + 80, o10_2 * rB, o10_3 * rB);
        storePair(out, count, vDim, tA, baseA + 88, col + 88, o11_0 * rA, o11_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 88, col + 88, o11_2 * rB, o11_3 * rB);
        storePair(out, count, vDim, tA, baseA + 96, col + 96, o12_0 * rA, o12_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 96, col + 96, o12_2 * rB, o12_3 * rB);
        storePair(out, count, vDim, tA, baseA + 104, col + 104, o13_0 * rA, o13_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 104, col + 104, o13_2 * rB, o13_3 * rB);
        storePair(out, count, vDim, tA, baseA + 112, col + 112, o14_0 * rA, o14_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 112, col + 112, o14_2 * rB, o14_3 * rB);
        storePair(out, count, vDim, tA, baseA + 120, col + 120, o15_0 * rA, o15_1 * rA);
        storePair(out, count, vDim, tA + 8, baseB + 120, col + 120, o15_2 * rB, o15_3 * rB);
    }

    /** bf16 bits of x rounded to nearest even (finite x; the hi part, and x − hi is exact in fp32). */
    private static int hiBits(float x) {
        int b = Float.floatToRawIntBits(x);
        return (b + 0x7FFF + ((b >>> 16) & 1)) >>> 16;
    }

    private static float hiValue(float x) {
        return Float.intBitsToFloat(hiBits(x) << 16);
    }

    /** The hi parts of (a, b) packed as an MMA operand pair (a, the lower index, in bits 0..15). */
    private static int pairHi(float a, float b) {
        return hiBits(a) | (hiBits(b) << 16);
    }

    /** The lo parts (x − hi, truncated to bf16) of (a, b), packed like {@link #pairHi}. */
    private static int pairLo(float a, float b) {
        return hiBits(a - hiValue(a)) | (hiBits(b - hiValue(b)) << 16);
    }

    /** Query element d of token t of head h (0 past the chunk's count or the q·k dims). */
    private static float queryValue(FloatArray q, int count, int qk, int h, int heads, int t, int d) {
        return t < count && d < qk ? q.get((t * heads + h) * qk + d) : 0f;
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
     * The 32-dim chunk dc of the tile's 64 queries and of keys k0..k0+63 as hi/lo bf16 pairs (planes Q hi, Q lo,
     * K hi, K lo of [64][20]): a work-item stages pair sp of rows sr + 8e, all 32 loads in flight before the stores.
     */
    private static void stageQueryKeys(int[] st, FloatArray q, FloatArray kv, FloatArray cache, int count, int keyEnd,
                                       int t0, int k0, int dc, int sr, int sp, int h, int heads, int nope, int qk,
                                       int kvRow, int latentRow, int kvLora) {
        int d = dc + 2 * sp;
        float qa0 = queryValue(q, count, qk, h, heads, t0 + sr + 0, d);
        float qb0 = queryValue(q, count, qk, h, heads, t0 + sr + 0, d + 1);
        float qa1 = queryValue(q, count, qk, h, heads, t0 + sr + 8, d);
        float qb1 = queryValue(q, count, qk, h, heads, t0 + sr + 8, d + 1);
        float qa2 = queryValue(q, count, qk, h, heads, t0 + sr + 16, d);
        float qb2 = queryValue(q, count, qk, h, heads, t0 + sr + 16, d + 1);
        float qa3 = queryValue(q, count, qk, h, heads, t0 + sr + 24, d);
        float qb3 = queryValue(q, count, qk, h, heads, t0 + sr + 24, d + 1);
        float qa4 = queryValue(q, count, qk, h, heads, t0 + sr + 32, d);
        float qb4 = queryValue(q, count, qk, h, heads, t0 + sr + 32, d + 1);
        float qa5 = queryValue(q, count, qk, h, heads, t0 + sr + 40, d);
        float qb5 = queryValue(q, count, qk, h, heads, t0 + sr + 40, d + 1);
        float qa6 = queryValue(q, count, qk, h, heads, t0 + sr + 48, d);
        float qb6 = queryValue(q, count, qk, h, heads, t0 + sr + 48, d + 1);
        float qa7 = queryValue(q, count, qk, h, heads, t0 + sr + 56, d);
        float qb7 = queryValue(q, count, qk, h, heads, t0 + sr + 56, d + 1);
        float ka0 = keyValue(kv, cache, keyEnd, k0 + sr + 0, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb0 = keyValue(kv, cache, keyEnd, k0 + sr + 0, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka1 = keyValue(kv, cache, keyEnd, k0 + sr + 8, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb1 = keyValue(kv, cache, keyEnd, k0 + sr + 8, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka2 = keyValue(kv, cache, keyEnd, k0 + sr + 16, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb2 = keyValue(kv, cache, keyEnd, k0 + sr + 16, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka3 = keyValue(kv, cache, keyEnd, k0 + sr + 24, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb3 = keyValue(kv, cache, keyEnd, k0 + sr + 24, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka4 = keyValue(kv, cache, keyEnd, k0 + sr + 32, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb4 = keyValue(kv, cache, keyEnd, k0 + sr + 32, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka5 = keyValue(kv, cache, keyEnd, k0 + sr + 40, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb5 = keyValue(kv, cache, keyEnd, k0 + sr + 40, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka6 = keyValue(kv, cache, keyEnd, k0 + sr + 48, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb6 = keyValue(kv, cache, keyEnd, k0 + sr + 48, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float ka7 = keyValue(kv, cache, keyEnd, k0 + sr + 56, d, h, heads, nope, qk, kvRow, latentRow, kvLora);
        float kb7 = keyValue(kv, cache, keyEnd, k0 + sr + 56, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);
        int o = sr * QK_STRIDE + sp;
        st[o] = pairHi(qa0, qb0);
        st[o + QK_PLANE] = pairLo(qa0, qb0);
        st[o + 2 * QK_PLANE] = pairHi(ka0, kb0);
        st[o + 3 * QK_PLANE] = pairLo(ka0, kb0);
        st[o + 8 * QK_STRIDE] = pairHi(qa1, qb1);
        st[o + 8 * QK_STRIDE + QK_PLANE] = pairLo(qa1, qb1);
        st[o + 8 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka1, kb1);
        st[o + 8 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka1, kb1);
        st[o + 16 * QK_STRIDE] = pairHi(qa2, qb2);
        st[o + 16 * QK_STRIDE + QK_PLANE] = pairLo(qa2, qb2);
        st[o + 16 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka2, kb2);
        st[o + 16 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka2, kb2);
        st[o + 24 * QK_STRIDE] = pairHi(qa3, qb3);
        st[o + 24 * QK_STRIDE + QK_PLANE] = pairLo(qa3, qb3);
        st[o + 24 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka3, kb3);
        st[o + 24 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka3, kb3);
        st[o + 32 * QK_STRIDE] = pairHi(qa4, qb4);
        st[o + 32 * QK_STRIDE + QK_PLANE] = pairLo(qa4, qb4);
        st[o + 32 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka4, kb4);
        st[o + 32 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka4, kb4);
        st[o + 40 * QK_STRIDE] = pairHi(qa5, qb5);
        st[o + 40 * QK_STRIDE + QK_PLANE] = pairLo(qa5, qb5);
        st[o + 40 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka5, kb5);
        st[o + 40 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka5, kb5);
        st[o + 48 * QK_STRIDE] = pairHi(qa6, qb6);
        st[o + 48 * QK_STRIDE + QK_PLANE] = pairLo(qa6, qb6);
        st[o + 48 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka6, kb6);
        st[o + 48 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka6, kb6);
        st[o + 56 * QK_STRIDE] = pairHi(qa7, qb7);
        st[o + 56 * QK_STRIDE + QK_PLANE] = pairLo(qa7, qb7);
        st[o + 56 * QK_STRIDE + 2 * QK_PLANE] = pairHi(ka7, kb7);
        st[o + 56 * QK_STRIDE + 3 * QK_PLANE] = pairLo(ka7, kb7);
    }

    /**
     * Value columns col0..col0+63 of keys k0..k0+63 as hi/lo bf16 pairs along keys (planes [32 key pairs][72]): a
     * work-item stages column vc of key pairs vk + 2e, all 32 loads in flight before the stores.
     */
    private static void stageValues(int[] st, FloatArray kv, int keyEnd, int k0, int vk, int vc, int col0, int h,
                                    int heads, int nope, int vDim, int kvRow) {
        int col = col0 + vc;
        int s = k0 + 2 * vk;
        int base = (s * heads + h) * kvRow + nope + col;
        int keyStep = heads * kvRow;
        float va0 = valueAt(kv, keyEnd, vDim, col, s + 0, base + 0 * keyStep);
        float vb0 = valueAt(kv, keyEnd, vDim, col, s + 1, base + 1 * keyStep);
        float va1 = valueAt(kv, keyEnd, vDim, col, s + 4, base + 4 * keyStep);
        float vb1 = valueAt(kv, keyEnd, vDim, col, s + 5, base + 5 * keyStep);
        float va2 = valueAt(kv, keyEnd, vDim, col, s + 8, base + 8 * keyStep);
        float vb2 = valueAt(kv, keyEnd, vDim, col, s + 9, base + 9 * keyStep);
        float va3 = valueAt(kv, keyEnd, vDim, col, s + 12, base + 12 * keyStep);
        float vb3 = valueAt(kv, keyEnd, vDim, col, s + 13, base + 13 * keyStep);
        float va4 = valueAt(kv, keyEnd, vDim, col, s + 16, base + 16 * keyStep);
        float vb4 = valueAt(kv, keyEnd, vDim, col, s + 17, base + 17 * keyStep);
        float va5 = valueAt(kv, keyEnd, vDim, col, s + 20, base + 20 * keyStep);
        float vb5 = valueAt(kv, keyEnd, vDim, col, s + 21, base + 21 * keyStep);
        float va6 = valueAt(kv, keyEnd, vDim, col, s + 24, base + 24 * keyStep);
        float vb6 = valueAt(kv, keyEnd, vDim, col, s + 25, base + 25 * keyStep);
        float va7 = valueAt(kv, keyEnd, vDim, col, s + 28, base + 28 * keyStep);
        float vb7 = valueAt(kv, keyEnd, vDim, col, s + 29, base + 29 * keyStep);
        float va8 = valueAt(kv, keyEnd, vDim, col, s + 32, base + 32 * keyStep);
        float vb8 = valueAt(kv, keyEnd, vDim, col, s + 33, base + 33 * keyStep);
        float va9 = valueAt(kv, keyEnd, vDim, col, s + 36, base + 36 * keyStep);
        float vb9 = valueAt(kv, keyEnd, vDim, col, s + 37, base + 37 * keyStep);
        float va10 = valueAt(kv, keyEnd, vDim, col, s + 40, base + 40 * keyStep);
        float vb10 = valueAt(kv, keyEnd, vDim, col, s + 41, base + 41 * keyStep);
        float va11 = valueAt(kv, keyEnd, vDim, col, s + 44, base + 44 * keyStep);
        float vb11 = valueAt(kv, keyEnd, vDim, col, s + 45, base + 45 * keyStep);
        float va12 = valueAt(kv, keyEnd, vDim, col, s + 48, base + 48 * keyStep);
        float vb12 = valueAt(kv, keyEnd, vDim, col, s + 49, base + 49 * keyStep);
        float va13 = valueAt(kv, keyEnd, vDim, col, s + 52, base + 52 * keyStep);
        float vb13 = valueAt(kv, keyEnd, vDim, col, s + 53, base + 53 * keyStep);
        float va14 = valueAt(kv, keyEnd, vDim, col, s + 56, base + 56 * keyStep);
        float vb14 = valueAt(kv, keyEnd, vDim, col, s + 57, base + 57 * keyStep);
        float va15 = valueAt(kv, keyEnd, vDim, col, s + 60, base + 60 * keyStep);
        float vb15 = valueAt(kv, keyEnd, vDim, col, s + 61, base + 61 * keyStep);
        int o = vk * V_STRIDE + vc;
        st[o] = pairHi(va0, vb0);
        st[o + V_PLANE] = pairLo(va0, vb0);
        st[o + 2 * V_STRIDE] = pairHi(va1, vb1);
        st[o + 2 * V_STRIDE + V_PLANE] = pairLo(va1, vb1);
        st[o + 4 * V_STRIDE] = pairHi(va2, vb2);
        st[o + 4 * V_STRIDE + V_PLANE] = pairLo(va2, vb2);
        st[o + 6 * V_STRIDE] = pairHi(va3, vb3);
        st[o + 6 * V_STRIDE + V_PLANE] = pairLo(va3, vb3);
        st[o + 8 * V_STRIDE] = pairHi(va4, vb4);
        st[o + 8 * V_STRIDE + V_PLANE] = pairLo(va4, vb4);
        st[o + 10 * V_STRIDE] = pairHi(va5, vb5);
        st[o + 10 * V_STRIDE + V_PLANE] = pairLo(va5, vb5);
        st[o + 12 * V_STRIDE] = pairHi(va6, vb6);
        st[o + 12 * V_STRIDE + V_PLANE] = pairLo(va6, vb6);
        st[o + 14 * V_STRIDE] = pairHi(va7, vb7);
        st[o + 14 * V_STRIDE + V_PLANE] = pairLo(va7, vb7);
        st[o + 16 * V_STRIDE] = pairHi(va8, vb8);
        st[o + 16 * V_STRIDE + V_PLANE] = pairLo(va8, vb8);
        st[o + 18 * V_STRIDE] = pairHi(va9, vb9);
        st[o + 18 * V_STRIDE + V_PLANE] = pairLo(va9, vb9);
        st[o + 20 * V_STRIDE] = pairHi(va10, vb10);
        st[o + 20 * V_STRIDE + V_PLANE] = pairLo(va10, vb10);
        st[o + 22 * V_STRIDE] = pairHi(va11, vb11);
        st[o + 22 * V_STRIDE + V_PLANE] = pairLo(va11, vb11);
        st[o + 24 * V_STRIDE] = pairHi(va12, vb12);
        st[o + 24 * V_STRIDE + V_PLANE] = pairLo(va12, vb12);
        st[o + 26 * V_STRIDE] = pairHi(va13, vb13);
        st[o + 26 * V_STRIDE + V_PLANE] = pairLo(va13, vb13);
        st[o + 28 * V_STRIDE] = pairHi(va14, vb14);
        st[o + 28 * V_STRIDE + V_PLANE] = pairLo(va14, vb14);
        st[o + 30 * V_STRIDE] = pairHi(va15, vb15);
        st[o + 30 * V_STRIDE + V_PLANE] = pairLo(va15, vb15);
    }

    private static float valueAt(FloatArray kv, int keyEnd, int vDim, int col, int s, int index) {
        return s < keyEnd && col < vDim ? kv.get(index) : 0f;
    }

    /** Columns col, col + 1 of row t where they exist. */
    private static void storePair(FloatArray out, int count, int vDim, int t, int index, int col, float v0, float v1) {
        if (t < count) {
            if (col < vDim) {
                out.set(index, v0);
            }
            if (col + 1 < vDim) {
                out.set(index + 1, v1);
            }
        }
    }
}
