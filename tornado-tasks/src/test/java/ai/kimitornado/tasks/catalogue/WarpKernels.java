package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/** Warp operations of KernelContext: shuffles and warp sums (every work-item reaches every call). */
public final class WarpKernels {
    private WarpKernels() {
    }

    /**
     * Every shuffle flavour per work-item, indexed by linear global id g: lane operands from {@code lanes} (any int:
     * only the low 5 bits count), constant ones too. outF [6 * items], outI [4 * items].
     */
    public static void shuffles(KernelContext ctx, FloatArray x, IntArray n, IntArray lanes, FloatArray outF, IntArray outI) {
        int g = ctx.globalIdx + ctx.globalGroupSizeX * ctx.globalIdy;
        float v = x.get(g);
        int k = n.get(g);
        int lane = lanes.get(g);
        outF.set(6 * g, ctx.shuffleDown(v, lane));
        outF.set(6 * g + 1, ctx.shuffleXor(v, lane));
        outF.set(6 * g + 2, ctx.shuffleDown(v, 1));
        outF.set(6 * g + 3, ctx.shuffleXor(v, 31));
        outF.set(6 * g + 4, ctx.warpSum(v));
        outF.set(6 * g + 5, ctx.shuffleDown(v * 2f, 17));
        outI.set(4 * g, ctx.shuffleDown(k, lane));
        outI.set(4 * g + 1, ctx.shuffleXor(k, lane + 3));
        outI.set(4 * g + 2, ctx.warpSum(k));
        outI.set(4 * g + 3, ctx.warpSum(k & 0xFF));
    }

    /** warpMax per work-item g (specials in x: NaN, ±0, ±inf). outF [items], outI [items]. */
    public static void maxes(KernelContext ctx, FloatArray x, IntArray n, FloatArray outF, IntArray outI) {
        int g = ctx.globalIdx;
        outF.set(g, ctx.warpMax(x.get(g)));
        outI.set(g, ctx.warpMax(n.get(g)));
    }

    static final int GROUP = 256;

    /** Block sum: warp sums, one per warp into local memory, then the first warp sums those. partial [groups]. */
    public static void blockSum(KernelContext ctx, FloatArray in, FloatArray partial) {
        float[] warpTotals = ctx.allocateFloatLocalArray(GROUP / KernelContext.WARP_SIZE);
        int lid = ctx.localIdx;
        float s = ctx.warpSum(in.get(ctx.globalIdx));
        if (lid % KernelContext.WARP_SIZE == 0) {
            warpTotals[lid / KernelContext.WARP_SIZE] = s;
        }
        ctx.localBarrier();
        float t = lid < GROUP / KernelContext.WARP_SIZE ? warpTotals[lid] : 0f;
        float total = ctx.warpSum(t); // every warp computes it (uniform control flow); warp 0's lane 0 writes
        if (lid == 0) {
            partial.set(ctx.groupIdx, total);
        }
    }

    static final int ROWS_PER_GROUP = 4;

    /**
     * GEMV y = W x, W [rows, cols] bf16, one warp per row (ROWS_PER_GROUP rows per 128-wide group): each lane reads
     * 4 columns per 8-byte load, strided by the warp, then warpSum. cols a multiple of 4.
     */
    public static void gemvWarpRows(KernelContext ctx, BFloat16Array w, FloatArray x, FloatArray y, int cols) {
        int lane = ctx.localIdx % KernelContext.WARP_SIZE;
        int row = ctx.groupIdx * ROWS_PER_GROUP + ctx.localIdx / KernelContext.WARP_SIZE;
        float acc = 0f;
        for (int c = 4 * lane; c < cols; c += 4 * KernelContext.WARP_SIZE) {
            long b = w.getBits4(row * cols + c);
            acc += BFloat16.packedToFloat(b, 0) * x.get(c);
            acc += BFloat16.packedToFloat(b, 1) * x.get(c + 1);
            acc += BFloat16.packedToFloat(b, 2) * x.get(c + 2);
            acc += BFloat16.packedToFloat(b, 3) * x.get(c + 3);
        }
        float sum = ctx.warpSum(acc);
        if (lane == 0) {
            y.set(row, sum);
        }
    }
}
