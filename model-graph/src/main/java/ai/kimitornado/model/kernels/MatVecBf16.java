package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * GEMV with bf16 weights widened in-kernel — the decode hot path (it streams every weight byte once):
 * <pre>  y[t][r] = (accumulate ? y[t][r] : 0) + Σ_c W[r][c] · x[t][c]      for t < count </pre>
 * Shapes: W [rows, cols] bf16 row-major starting at element {@code wOffset} (a slice of a packed buffer),
 * x [C*cols], y [C*rows]. Grid: work-group per output row (groupIdx = r), groupIdy = token t; local size a
 * power of two ≤ 256. The group's work-items read consecutive weights of the row (coalesced), keep strided
 * partial sums in registers and combine them by a local-memory tree reduction.
 * {@code accumulate = 1} absorbs a residual add (o_proj, down_proj write into the hidden state).
 */
public final class MatVecBf16 {
    private MatVecBf16() {
    }

    public static void matVec(KernelContext ctx, BFloat16Array w, int wOffset, FloatArray x, FloatArray y,
                              IntArray meta, int rows, int cols, int accumulate) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int r = ctx.groupIdx;
        int t = ctx.groupIdy;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        if (t >= count) {
            return; // uniform over the group: rows past the chunk's valid tokens do nothing
        }
        boolean active = r < rows && t < count;
        float acc = 0f;
        if (active) {
            int wBase = wOffset + r * cols;
            int xBase = t * cols;
            for (int c = lid; c < cols; c += nt) {
                acc += Bf16.widen(w.getBits(wBase + c)) * x.get(xBase + c);
            }
        }
        partial[lid] = acc;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        if (active && lid == 0) {
            int out = t * rows + r;
            float prior = accumulate != 0 ? y.get(out) : 0f;
            y.set(out, prior + partial[0]);
        }
    }
}
