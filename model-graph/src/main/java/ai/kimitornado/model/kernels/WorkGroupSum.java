package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;

/** The work-group tree sum shared by the row-reducing kernels (inlined by the JIT at each call). */
final class WorkGroupSum {
    private WorkGroupSum() {
    }

    /**
     * {@code partial[0] = Σ partial[0..nt)}, pairwise in halving strides (nt a power of two). Every work-item of
     * the group must call it after writing its {@code partial[lid]} and a barrier; it ends with a barrier, so
     * {@code partial[0]} is readable by all. Package-private and not a kernel: the kernel lists skip it.
     */
    static void treeSum(KernelContext ctx, float[] partial, int lid, int nt) {
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
    }
}
