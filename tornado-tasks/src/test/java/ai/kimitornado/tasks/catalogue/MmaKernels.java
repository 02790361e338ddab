package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/**
 * Tensor-core MMA ({@link KernelContext#mmaBf16}): fragments packed from bf16 arrays into local-memory int arrays
 * (two bf16 per int, the lower column in bits 0..15), then read in PTX's m16n8k16 fragment layout.
 */
public final class MmaKernels {
    private MmaKernels() {
    }

    /** Warps (= tiles) per 64-wide work-group in {@link #tiles}. */
    static final int TILES_PER_GROUP = 2;

    /** Two consecutive bf16 of {@code x} (elements i, i+1) as one fragment int. */
    static int pair(BFloat16Array x, int i) {
        return (x.getBits(i) & 0xFFFF) | (x.getBits(i + 1) << 16);
    }

    /**
     * One m16n8k16 tile per warp: d[t] = a[t] · b[t] + c[t]. a [tiles][16][16] bf16 row-major, bt [tiles][8][16] bf16
     * (B transposed: k contiguous, the "col" operand as weights [out][in] are stored), c and d [tiles][16][8] fp32.
     * Work-groups of 64 (two warps, two tiles).
     */
    public static void tiles(KernelContext ctx, BFloat16Array a, BFloat16Array bt, FloatArray c, FloatArray d) {
        int[] sA = ctx.allocateIntLocalArray(TILES_PER_GROUP * 128); // [tile][16 rows][8 ints]
        int[] sB = ctx.allocateIntLocalArray(TILES_PER_GROUP * 64);  // [tile][8 columns][8 ints]
        int lid = ctx.localIdx;
        int warp = lid >> 5, lane = lid & 31;
        int tile = ctx.groupIdx * TILES_PER_GROUP + warp;
        for (int i = 0; i < 4; i++) {
            int p = lane * 4 + i;
            sA[warp * 128 + p] = pair(a, tile * 256 + 2 * p);
        }
        for (int i = 0; i < 2; i++) {
            int p = lane * 2 + i;
            sB[warp * 64 + p] = pair(bt, tile * 128 + 2 * p);
        }
        ctx.localBarrier();
        int g = lane >> 2, t = lane & 3;
        int ra = warp * 128 + g * 8 + t; // A[g][2t..2t+1]; +64: row g+8; +4: columns 2t+8..2t+9
        int rb = warp * 64 + g * 8 + t;  // B[2t..2t+1][g]; +4: rows 2t+8..2t+9
        int at = tile * 128 + g * 8 + 2 * t; // C/D[g][2t]; +64: row g+8
        ctx.mmaBf16(sA[ra], sA[ra + 64], sA[ra + 4], sA[ra + 68], sB[rb], sB[rb + 4],
                c.get(at), c.get(at + 1), c.get(at + 64), c.get(at + 65));
        d.set(at, ctx.mmaResult(0));
        d.set(offset(at, 1), ctx.mmaResult(1)); // an inlined helper between the results is straight-line code
        d.set(at + 64, ctx.mmaResult(2));
        d.set(offset(at, 65), ctx.mmaResult(3));
    }

    static int offset(int at, int by) {
        return at + by;
    }

    /**
     * {@link #tiles} in 2D work-groups of 16 x 4 (warps cut along the linear local id x + 16 y, as for shuffles) with
     * a shuffle and a warp sum next to the MMA (both exchanges in one kernel): d as in tiles, sums [tiles][32] = the
     * warp sum of each lane's first result plus its xor-1 neighbour's second.
     */
    public static void tilesWithShuffles(KernelContext ctx, BFloat16Array a, BFloat16Array bt, FloatArray c, FloatArray d,
                                         FloatArray sums) {
        int[] sA = ctx.allocateIntLocalArray(TILES_PER_GROUP * 128);
        int[] sB = ctx.allocateIntLocalArray(TILES_PER_GROUP * 64);
        int lid = ctx.localIdx + ctx.localGroupSizeX * ctx.localIdy;
        int warp = lid >> 5, lane = lid & 31;
        int group = ctx.groupIdx + ctx.globalGroupSizeX / ctx.localGroupSizeX * ctx.groupIdy;
        int tile = group * TILES_PER_GROUP + warp;
        for (int i = 0; i < 4; i++) {
            int p = lane * 4 + i;
            sA[warp * 128 + p] = pair(a, tile * 256 + 2 * p);
        }
        for (int i = 0; i < 2; i++) {
            int p = lane * 2 + i;
            sB[warp * 64 + p] = pair(bt, tile * 128 + 2 * p);
        }
        ctx.localBarrier();
        int g = lane >> 2, t = lane & 3;
        int ra = warp * 128 + g * 8 + t, rb = warp * 64 + g * 8 + t, at = tile * 128 + g * 8 + 2 * t;
        ctx.mmaBf16(sA[ra], sA[ra + 64], sA[ra + 4], sA[ra + 68], sB[rb], sB[rb + 4],
                c.get(at), c.get(at + 1), c.get(at + 64), c.get(at + 65));
        float d0 = ctx.mmaResult(0), d1 = ctx.mmaResult(1), d2 = ctx.mmaResult(2), d3 = ctx.mmaResult(3);
        d.set(at, d0);
        d.set(at + 1, d1);
        d.set(at + 64, d2);
        d.set(at + 65, d3);
        sums.set(tile * 32 + lane, ctx.warpSum(d0 + ctx.shuffleXor(d1, 1)));
    }

    /** Work-group of {@link #gemm}: 4 warps on a 32 x 32 block of the output. */
    static final int GEMM_GROUP = 128;

    /**
     * out = a · wᵀ (fp32 accumulation on tensor cores): a [m][k] bf16, w [n][k] bf16 (weights, k contiguous), out
     * [m][n] fp32; m, n multiples of 32, k of 16. 1D grid of (m/32)·(n/32) groups of 128; each warp owns a 16 x 16
     * block (two n8 tiles), the group stages 32 rows of a and w per 16-wide k step through local memory.
     */
    public static void gemm(KernelContext ctx, BFloat16Array a, BFloat16Array w, FloatArray out, int m, int n, int k) {
        int[] sA = ctx.allocateIntLocalArray(32 * 8); // [32 rows][16 bf16 = 8 ints]
        int[] sW = ctx.allocateIntLocalArray(32 * 8);
        int lid = ctx.localIdx;
        int warp = lid >> 5, lane = lid & 31, g = lane >> 2, t = lane & 3;
        int blocksN = n / 32;
        int row0 = (ctx.groupIdx / blocksN) * 32, col0 = (ctx.groupIdx % blocksN) * 32;
        int wm = warp >> 1, wn = warp & 1;
        float c00 = 0f, c01 = 0f, c02 = 0f, c03 = 0f, c10 = 0f, c11 = 0f, c12 = 0f, c13 = 0f;
        for (int k0 = 0; k0 < k; k0 += 16) {
            for (int i = lid; i < 256; i += GEMM_GROUP) {
                int r = i >> 3, q = i & 7;
                sA[i] = pair(a, (row0 + r) * k + k0 + 2 * q);
                sW[i] = pair(w, (col0 + r) * k + k0 + 2 * q);
            }
            ctx.localBarrier();
            int ra = (wm * 16 + g) * 8 + t;
            int a0 = sA[ra], a1 = sA[ra + 64], a2 = sA[ra + 4], a3 = sA[ra + 68];
            int rb = (wn * 16 + g) * 8 + t;
            ctx.mmaBf16(a0, a1, a2, a3, sW[rb], sW[rb + 4], c00, c01, c02, c03);
            c00 = ctx.mmaResult(0);
            c01 = ctx.mmaResult(1);
            c02 = ctx.mmaResult(2);
            c03 = ctx.mmaResult(3);
            ctx.mmaBf16(a0, a1, a2, a3, sW[rb + 64], sW[rb + 68], c10, c11, c12, c13); // columns +8
            c10 = ctx.mmaResult(0);
            c11 = ctx.mmaResult(1);
            c12 = ctx.mmaResult(2);
            c13 = ctx.mmaResult(3);
            ctx.localBarrier();
        }
        int row = row0 + wm * 16 + g, col = col0 + wn * 16 + 2 * t;
        out.set(row * n + col, c00);
        out.set(row * n + col + 1, c01);
        out.set((row + 8) * n + col, c02);
        out.set((row + 8) * n + col + 1, c03);
        out.set(row * n + col + 8, c10);
        out.set(row * n + col + 9, c11);
        out.set((row + 8) * n + col + 8, c12);
        out.set((row + 8) * n + col + 9, c13);
    }
}
