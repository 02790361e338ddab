package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Copies the chunk's valid rows {@code dst[dstOffset + i] = src[i]} for i &lt; count·D — the per-layer hidden
 * capture for {@code verify --layers}. Shapes: src [C*D], dst [(L+1)*C*D]. Grid: work-item per element.
 */
public final class CopyRows {
    private CopyRows() {
    }

    public static void apply(KernelContext ctx, FloatArray src, FloatArray dst, IntArray meta, int dstOffset, int dim) {
        int i = ctx.globalIdx;
        if (i < meta.get(KernelLimits.META_COUNT) * dim) {
            dst.set(dstOffset + i, src.get(i));
        }
    }
}
