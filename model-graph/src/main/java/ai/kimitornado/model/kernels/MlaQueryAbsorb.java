package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * MLA absorbed query: the key up-projection folded into the query, {@code q_lat_h = Wuk_hᵀ q_nope_h}:
 * <pre>  qLat[t][h][l] = Σ_{n<nope} kvB[h·(nope+v) + n][l] · q[t][h·(nope+rope) + n] </pre>
 * Shapes: q [C * H*(nope+rope)], kvB [H*(nope+v), kvLora] bf16, qLat [C * H*kvLora].
 * Grid 2D: one work-item per (h·kvLora + l) in x, token in y; neighbours read neighbouring l (coalesced).
 */
public final class MlaQueryAbsorb {
    private MlaQueryAbsorb() {
    }

    public static void apply(KernelContext ctx, FloatArray q, BFloat16Array kvB, FloatArray qLat, IntArray meta,
                             int heads, int nope, int rope, int vDim, int kvLora) {
        int x = ctx.globalIdx;
        int t = ctx.globalIdy;
        int count = meta.get(KernelLimits.META_COUNT);
        if (x < heads * kvLora && t < count) {
            int h = x / kvLora;
            int l = x - h * kvLora;
            int qBase = t * heads * (nope + rope) + h * (nope + rope);
            int wBase = h * (nope + vDim) * kvLora + l;
            float acc = 0f;
            for (int n = 0; n < nope; n++) {
                acc += Bf16.widen(kvB.getBits(wBase + n * kvLora)) * q.get(qBase + n);
            }
            qLat.set(t * heads * kvLora + x, acc);
        }
    }
}
