package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/** Small kernels that exercise the runtime (grids, local memory, barriers, atomics, residency). */
public final class RuntimeKernels {
    private RuntimeKernels() {}

    /** c[i] = a[i] + s * b[i]; shapes: a, b, c [n]. */
    public static void axpy(FloatArray a, FloatArray b, FloatArray c, float s, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            c.set(i, a.get(i) + s * b.get(i));
        }
    }

    /** acc[i] += x[i]: run repeatedly to see that acc stays resident. shapes: x, acc [n]. */
    public static void accumulate(FloatArray x, FloatArray acc, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            acc.set(i, acc.get(i) + x.get(i));
        }
    }

    /**
     * Per work-group sum through local memory and a tree of barriers; work-group size 64.
     * shapes: in [groups * 64], out [groups].
     */
    public static void groupSum(KernelContext ctx, FloatArray in, FloatArray out) {
        float[] scratch = ctx.allocateFloatLocalArray(64);
        int lid = ctx.localIdx;
        scratch[lid] = in.get(ctx.globalIdx);
        ctx.localBarrier();
        for (int stride = ctx.localGroupSizeX / 2; stride > 0; stride /= 2) {
            if (lid < stride) scratch[lid] += scratch[lid + stride];
            ctx.localBarrier();
        }
        if (lid == 0) out.set(ctx.groupIdx, scratch[0]);
    }

    /** hist[v[i] % bins] += 1 with atomics; shapes: v [n], hist [bins]. */
    public static void histogram(KernelContext ctx, IntArray v, IntArray hist, int bins) {
        int i = ctx.globalIdx;
        ctx.atomicAdd(hist, v.get(i) % bins, 1);
    }

    /** Only half the group reaches the barrier: undefined on devices, an error on the java backend. */
    public static void divergentBarrier(KernelContext ctx, FloatArray out) {
        if (ctx.localIdx < ctx.localGroupSizeX / 2) {
            ctx.localBarrier();
        }
        out.set(ctx.globalIdx, 1.0f);
    }
}
