package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Decode (one token) variant of {@link SwiGluGateUp} (the reference it is tested against), the dense MLP's first
 * half: {@code act[i] = SiLU(gate[i]·x) · (up[i]·x)}. Shapes: gate, up [I, D] bf16 (D a multiple of 4); x [D];
 * act [I]. Grid ({@link RowGroups} over I rows of D/4 quads): a run of {@code rowThreads} lanes per row reads both
 * matrices' quads in the same step (8-byte loads), two-barrier row sums.
 */
public final class SwiGluGateUpRows {
    private SwiGluGateUpRows() {
    }

    public static void gateUp(KernelContext ctx, BFloat16Array gate, BFloat16Array up, FloatArray x, FloatArray act,
                              IntArray meta, int inter, int dim, int rowThreads) {
        float[] partialGate = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        float[] partialUp = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        if (meta.get(KernelLimits.META_COUNT) < 1) {
            return; // uniform over the group
        }
        int lid = ctx.localIdx;
        int lane = lid % rowThreads;
        int i = ctx.groupIdx * (ctx.localGroupSizeX / rowThreads) + lid / rowThreads;
        // the MoE row kernel's body with one expert: row i of gate/up
        MoeExpertsGateUpRows.siluGateUpRow(ctx, partialGate, partialUp, gate, up, x, act, i, i < inter, i * dim, dim,
                lid, lane, rowThreads);
    }
}
