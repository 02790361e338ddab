package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Residual add {@code h[i] += delta[i]} over the chunk's valid rows (i &lt; count·D). Most residual adds are
 * absorbed by the projection that produces them ({@link MatVecBf16}/{@link GemmBf16} accumulate = 1,
 * {@link MoeExpertsDown}); this standalone form serves the rest. Shapes: h, delta [C*D]. Grid: work-item per element.
 */
public final class ResidualAdd {
    private ResidualAdd() {
    }

    public static void apply(KernelContext ctx, FloatArray h, FloatArray delta, IntArray meta, int dim) {
        int i = ctx.globalIdx;
        if (i < meta.get(KernelLimits.META_COUNT) * dim) {
            h.set(i, h.get(i) + delta.get(i));
        }
    }
}
