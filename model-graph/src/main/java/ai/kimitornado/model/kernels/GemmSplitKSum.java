package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Second half of a split-K GEMM ({@link GemmBf16Tiled#gemmSplitK}): the column slices' partial products added in a
 * fixed order, so the result does not depend on scheduling:
 * <pre>  y[i] = (accumulate ? y[i] : 0) + Σ_{s < splits} partial[s·sliceStride + i]      for i < count·rows </pre>
 * Shapes: partial [splits * sliceStride], y [C*rows]. Grid: work-item per element (≥ C·rows items).
 */
public final class GemmSplitKSum {
    private GemmSplitKSum() {
    }

    public static void apply(KernelContext ctx, FloatArray partial, FloatArray y, IntArray meta, int rows, int splits,
                             int sliceStride, int accumulate) {
        int i = ctx.globalIdx;
        if (i < meta.get(KernelLimits.META_COUNT) * rows) {
            float sum = 0f;
            for (int s = 0; s < splits; s++) {
                sum += partial.get(s * sliceStride + i);
            }
            y.set(i, accumulate != 0 ? y.get(i) + sum : sum);
        }
    }
}
