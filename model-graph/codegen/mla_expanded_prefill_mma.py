# Writes MlaExpandedPrefillMma.java: python3 model-graph/codegen/mla_expanded_prefill_mma.py
# generates MlaExpandedPrefillMma.java (straight-line fragment code; the JIT has no private arrays)
L = []
def w(s=""): L.append(s)
w("""package ai.kimitornado.model.kernels;

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
        float lA = 0f, lB = 0f;    // this lane's part of the running row sums""")
# O accumulators
for n in range(16):
    w("        float " + ", ".join(f"o{n}_{e} = 0f" for e in range(4)) + ";")
w("        for (int k0 = 0; k0 < keyEnd; k0 += KEY_TILE) {")
for j in range(8):
    w("            float " + ", ".join(f"s{j}_{e} = 0f" for e in range(4)) + ";")
w("""            for (int dc = 0; dc < qk; dc += CHUNK) {
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
                    int bo = 2 * QK_PLANE + gr * QK_STRIDE + ks * 8 + tc;""")
def mma3(ind, a, bh, bl, acc):
    # the three split products hi·hi, hi·lo, lo·hi as a constant 3-trip loop: one mmaBf16 call site per tile
    (ah, al) = a
    w(f"{ind}for (int sx = 0; sx < 3; sx++) {{")
    i2 = ind + "    "
    w(f"{i2}boolean loA = sx == 2;")
    w(f"{i2}boolean loB = sx == 1;")
    w(f"{i2}ctx.mmaBf16(loA ? {al[0]} : {ah[0]}, loA ? {al[1]} : {ah[1]}, loA ? {al[2]} : {ah[2]}, loA ? {al[3]} : {ah[3]},")
    w(f"{i2}        loB ? {bl[0]} : {bh[0]}, loB ? {bl[1]} : {bh[1]}, {acc[0]}, {acc[1]}, {acc[2]}, {acc[3]});")
    w(f"{i2}{acc[0]} = ctx.mmaResult(0);")
    w(f"{i2}{acc[1]} = ctx.mmaResult(1);")
    w(f"{i2}{acc[2]} = ctx.mmaResult(2);")
    w(f"{i2}{acc[3]} = ctx.mmaResult(3);")
    w(f"{ind}}}")
AH = ("ah0","ah1","ah2","ah3"); AL = ("al0","al1","al2","al3")
for j in range(8):
    ind = "                    "
    off = f" + {8*j} * QK_STRIDE" if j else ""
    w(f"{ind}int bh{j}0 = st[bo{off}];")
    w(f"{ind}int bh{j}1 = st[bo{off} + 4];")
    w(f"{ind}int bl{j}0 = st[bo{off} + QK_PLANE];")
    w(f"{ind}int bl{j}1 = st[bo{off} + QK_PLANE + 4];")
    mma3(ind, (AH, AL), (f"bh{j}0", f"bh{j}1"), (f"bl{j}0", f"bl{j}1"), [f"s{j}_{e}" for e in range(4)])
w("""                }
                ctx.localBarrier();
            }
            // causal mask and scale: key k0 + 8j + 2t (+1) against the positions of rows A and B
            int kb = k0 + 2 * tc;""")
for j in range(8):
    for e in range(4):
        row = "qpA" if e < 2 else "qpB"
        key = f"kb + {8*j + (e & 1)}" if (8*j + (e&1)) else "kb"
        w(f"            s{j}_{e} = {key} <= {row} ? s{j}_{e} * scale : NEG;")
w("            float xA = NEG;")
w("            float xB = NEG;")
for j in range(8):
    w(f"            xA = Math.max(xA, Math.max(s{j}_0, s{j}_1));")
    w(f"            xB = Math.max(xB, Math.max(s{j}_2, s{j}_3));")
w("""            xA = Math.max(xA, ctx.shuffleXor(xA, 1));
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
            float sumB = 0f;""")
for j in range(8):
    for e in range(4):
        mm = "nA" if e < 2 else "nB"
        w(f"            s{j}_{e} = s{j}_{e} > NEG ? (float) Math.exp(s{j}_{e} - {mm}) : 0f;")
    w(f"            sumA += s{j}_0 + s{j}_1;")
    w(f"            sumB += s{j}_2 + s{j}_3;")
w("            lA = lA * aA + sumA;")
w("            lB = lB * aB + sumB;")
for n in range(16):
    w(f"            o{n}_0 *= aA;")
    w(f"            o{n}_1 *= aA;")
    w(f"            o{n}_2 *= aB;")
    w(f"            o{n}_3 *= aB;")
def pv_half(hv, ind):
    w(f"{ind}stageValues(st, kv, keyEnd, k0, vk, vc, {hv * 64}, h, heads, nope, vDim, kvRow);")
    w(f"{ind}ctx.localBarrier();")
    w(f"{ind}for (int kk = 0; kk < 4; kk++) {{ // keys 16kk..16kk+15: P fragment from score n-tiles 2kk, 2kk+1")
    i2 = ind + "    "
    def sel(e):
        # value of s{2kk + (e>>2)}_{e&3} chosen by kk
        jo, ee = e >> 2, e & 3
        return f"kk == 0 ? s{jo}_{ee} : kk == 1 ? s{2 + jo}_{ee} : kk == 2 ? s{4 + jo}_{ee} : s{6 + jo}_{ee}"
    for e in range(8):
        w(f"{i2}float f{e} = {sel(e)};")
    w(f"{i2}int ph0 = pairHi(f0, f1);")
    w(f"{i2}int ph1 = pairHi(f2, f3);")
    w(f"{i2}int ph2 = pairHi(f4, f5);")
    w(f"{i2}int ph3 = pairHi(f6, f7);")
    w(f"{i2}int pl0 = pairLo(f0, f1);")
    w(f"{i2}int pl1 = pairLo(f2, f3);")
    w(f"{i2}int pl2 = pairLo(f4, f5);")
    w(f"{i2}int pl3 = pairLo(f6, f7);")
    w(f"{i2}int vo = (8 * kk + tc) * V_STRIDE + gr;")
    for n in range(8):
        on = hv*8 + n
        w(f"{i2}int vh{n}0 = st[vo + {8*n}];")
        w(f"{i2}int vh{n}1 = st[vo + {8*n} + 4 * V_STRIDE];")
        w(f"{i2}int vl{n}0 = st[V_PLANE + vo + {8*n}];")
        w(f"{i2}int vl{n}1 = st[V_PLANE + vo + {8*n} + 4 * V_STRIDE];")
        mma3(i2, (("ph0", "ph1", "ph2", "ph3"), ("pl0", "pl1", "pl2", "pl3")),
             (f"vh{n}0", f"vh{n}1"), (f"vl{n}0", f"vl{n}1"), [f"o{on}_{e}" for e in range(4)])
    w(f"{ind}}}")
    w(f"{ind}ctx.localBarrier();")
w("            { // P·V, value columns 0..63")
pv_half(0, "                ")
w("            }")
w("            if (vDim > 64) { // value columns 64..127, uniform over the group")
pv_half(1, "                ")
w("            }")
w("        }")
w("""        // row sums: the parts of the 4 lanes of each row
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
        int baseB = baseA + 8 * stride;""")
for n in range(16):
    w(f"        storePair(out, count, vDim, tA, baseA + {8*n}, col + {8*n}, o{n}_0 * rA, o{n}_1 * rA);")
    w(f"        storePair(out, count, vDim, tA + 8, baseB + {8*n}, col + {8*n}, o{n}_2 * rB, o{n}_3 * rB);")
w("    }")
# helpers
w("""
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
        int d = dc + 2 * sp;""")
for e in range(8):
    w(f"        float qa{e} = queryValue(q, count, qk, h, heads, t0 + sr + {8*e}, d);")
    w(f"        float qb{e} = queryValue(q, count, qk, h, heads, t0 + sr + {8*e}, d + 1);")
for e in range(8):
    w(f"        float ka{e} = keyValue(kv, cache, keyEnd, k0 + sr + {8*e}, d, h, heads, nope, qk, kvRow, latentRow, kvLora);")
    w(f"        float kb{e} = keyValue(kv, cache, keyEnd, k0 + sr + {8*e}, d + 1, h, heads, nope, qk, kvRow, latentRow, kvLora);")
w("        int o = sr * QK_STRIDE + sp;")
for e in range(8):
    off = f" + {8*e} * QK_STRIDE" if e else ""
    w(f"        st[o{off}] = pairHi(qa{e}, qb{e});")
    w(f"        st[o{off} + QK_PLANE] = pairLo(qa{e}, qb{e});")
    w(f"        st[o{off} + 2 * QK_PLANE] = pairHi(ka{e}, kb{e});")
    w(f"        st[o{off} + 3 * QK_PLANE] = pairLo(ka{e}, kb{e});")
w("    }")
w("""
    /**
     * Value columns col0..col0+63 of keys k0..k0+63 as hi/lo bf16 pairs along keys (planes [32 key pairs][72]): a
     * work-item stages column vc of key pairs vk + 2e, all 32 loads in flight before the stores.
     */
    private static void stageValues(int[] st, FloatArray kv, int keyEnd, int k0, int vk, int vc, int col0, int h,
                                    int heads, int nope, int vDim, int kvRow) {
        int col = col0 + vc;
        int s = k0 + 2 * vk;
        int base = (s * heads + h) * kvRow + nope + col;
        int keyStep = heads * kvRow;""")
for e in range(16):
    w(f"        float va{e} = valueAt(kv, keyEnd, vDim, col, s + {4*e}, base + {4*e} * keyStep);")
    w(f"        float vb{e} = valueAt(kv, keyEnd, vDim, col, s + {4*e + 1}, base + {4*e + 1} * keyStep);")
w("        int o = vk * V_STRIDE + vc;")
for e in range(16):
    off = f" + {2*e} * V_STRIDE" if e else ""
    w(f"        st[o{off}] = pairHi(va{e}, vb{e});")
    w(f"        st[o{off} + V_PLANE] = pairLo(va{e}, vb{e});")
w("    }")
w("""
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
}""")
import os; open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src/main/java/ai/kimitornado/model/kernels/MlaExpandedPrefillMma.java"), "w").write("\n".join(L) + "\n")
print(len(L))
