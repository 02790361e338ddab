package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * SwiGLU's product for a chunk whose gate and up projections ran as GEMMs:
 * {@code act[i] = SiLU(gate[i]) · act[i]} for i &lt; count·inter (act holds the up projection on entry).
 * Same SiLU as {@link SwiGluGateUp} (z / (1 + e^−z)). Shapes: gate, act [C*inter]. Grid: work-item per element.
 */
public final class SiluMulRows {
    private SiluMulRows() {
    }

    public static void apply(KernelContext ctx, FloatArray gate, FloatArray act, IntArray meta, int inter) {
        int i = ctx.globalIdx;
        if (i < meta.get(KernelLimits.META_COUNT) * inter) {
            float z = gate.get(i);
            float silu = z / (1f + (float) Math.exp(-z));
            act.set(i, silu * act.get(i));
        }
    }
}
