package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.BFloat16;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.HalfFloatArray;
import ai.kimitornado.tasks.types.arrays.LongArray;

/** getBits4: one 8-byte load of four 16-bit patterns (bf16 weights in decode GEMVs). */
public final class WideLoadKernels {
    private WideLoadKernels() {
    }

    /**
     * Per row r of w [rows, cols] (bf16) and h [rows, cols] (fp16): the raw packed longs into raw [rows*cols/4, 2]
     * and out[r] = sum_c (w[r,c] + h[r,c]) * x[c], accumulated in column order (bit-exact across devices).
     */
    public static void packedRows(BFloat16Array w, HalfFloatArray h, FloatArray x, LongArray raw, FloatArray out,
                                  int cols) {
        for (@Parallel int r = 0; r < out.getSize(); r++) {
            float acc = 0f;
            for (int c = 0; c < cols; c += 4) {
                int at = r * cols + c;
                long bw = w.getBits4(at);
                long bh = h.getBits4(at);
                raw.set(at / 2, bw);
                raw.set(at / 2 + 1, bh);
                for (int lane = 0; lane < 4; lane++) {
                    float hv = Float.float16ToFloat((short) (bh >>> (16 * lane)));
                    acc += (BFloat16.packedToFloat(bw, lane) + hv) * x.get(c + lane);
                }
            }
            out.set(r, acc);
        }
    }

    /** The four lanes unrolled with constant shifts (the shape model GEMVs use), at a constant index too. */
    public static void packedLanes(BFloat16Array w, FloatArray out) {
        for (@Parallel int i = 0; i < out.getSize() / 4; i++) {
            long b = w.getBits4(4 * i);
            long first = w.getBits4(0);
            out.set(4 * i, BFloat16.packedToFloat(b, 0) + BFloat16.packedToFloat(first, 3));
            out.set(4 * i + 1, BFloat16.packedToFloat(b, 1));
            out.set(4 * i + 2, BFloat16.packedToFloat(b, 2));
            out.set(4 * i + 3, BFloat16.packedToFloat(b, 3));
        }
    }

    static final int GEMV_GROUP = 64;

    /**
     * GEMV y = W x with W [rows, cols] bf16 (cols a multiple of 4 * GEMV_GROUP): one work-group per row, each
     * work-item reads 4 columns per 8-byte load, strided by the group; fixed-order tree reduction in local memory.
     */
    public static void gemvRowPacked(KernelContext ctx, BFloat16Array w, FloatArray x, FloatArray y, int cols) {
        float[] partial = ctx.allocateFloatLocalArray(GEMV_GROUP);
        int row = ctx.groupIdx;
        int lid = ctx.localIdx;
        float acc = 0f;
        for (int c = 4 * lid; c < cols; c += 4 * GEMV_GROUP) {
            long b = w.getBits4(row * cols + c);
            acc += BFloat16.packedToFloat(b, 0) * x.get(c);
            acc += BFloat16.packedToFloat(b, 1) * x.get(c + 1);
            acc += BFloat16.packedToFloat(b, 2) * x.get(c + 2);
            acc += BFloat16.packedToFloat(b, 3) * x.get(c + 3);
        }
        partial[lid] = acc;
        for (int s = GEMV_GROUP / 2; s > 0; s >>= 1) {
            ctx.localBarrier();
            if (lid < s) {
                partial[lid] += partial[lid + s];
            }
        }
        if (lid == 0) {
            y.set(row, partial[0]);
        }
    }
}
