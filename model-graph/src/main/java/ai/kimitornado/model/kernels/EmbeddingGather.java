package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Embedding gather, bf16 → fp32: {@code h[t][d] = E[tokens[t]][d]} for t < count.
 * Shapes: tokens [C], table [V*D] bf16 row-major, h [C*D]. One work-item per (t, d): global C*D (any rounding).
 * Token ids are validated on the host before upload (a kernel cannot report an error).
 */
public final class EmbeddingGather {
    private EmbeddingGather() {
    }

    public static void gather(KernelContext ctx, IntArray tokens, BFloat16Array table, FloatArray h,
                              IntArray meta, int dim) {
        int i = ctx.globalIdx;
        int count = meta.get(KernelLimits.META_COUNT);
        if (i < count * dim) {
            int t = i / dim;
            int d = i - t * dim;
            int row = tokens.get(t);
            h.set(i, Bf16.widen(table.getBits(row * dim + d)));
        }
    }
}
