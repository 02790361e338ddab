package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Picks the chunk's last valid row for the LM head, so prefill computes one row of logits instead of C:
 * <pre>  dst[i] = src[(count−1)·dim + i]      headMeta = {position + count − 1, 1, seed, meta[3]} </pre>
 * headMeta describes a one-token chunk at the last token's position, so the LM-head GEMV and the sampler run on
 * it unchanged (top-p draws from the same (seed, position) as with every row present).
 * Shapes: src [C*dim], dst [dim], meta and headMeta [META_SIZE]. Grid: work-item per element (≥ dim items).
 */
public final class LastRowSelect {
    private LastRowSelect() {
    }

    public static void apply(KernelContext ctx, FloatArray src, FloatArray dst, IntArray meta, IntArray headMeta, int dim) {
        int i = ctx.globalIdx;
        int count = meta.get(KernelLimits.META_COUNT);
        if (i < dim) {
            dst.set(i, src.get((count - 1) * dim + i));
        }
        if (i == 0) {
            headMeta.set(KernelLimits.META_POSITION, meta.get(KernelLimits.META_POSITION) + count - 1);
            headMeta.set(KernelLimits.META_COUNT, 1);
            headMeta.set(KernelLimits.META_SEED, meta.get(KernelLimits.META_SEED));
            headMeta.set(3, meta.get(3));
        }
    }
}
