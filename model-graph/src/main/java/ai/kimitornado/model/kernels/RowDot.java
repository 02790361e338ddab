package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;

/**
 * Helpers of the decode row kernels (inlined by the JIT; package-private and not kernels): bf16 quad dots and the
 * two-step row reduction. A "quad" is four consecutive bf16 weights (8 bytes) at an element index that is a
 * multiple of 4, read by one aligned 8-byte load.
 */
final class RowDot {
    private RowDot() {
    }

    /**
     * W[i..i+3] · x[xi..xi+3] from ONE 8-byte load ({@code getBits4}; i a multiple of 4). bf16 widened exactly: the
     * even lane is shifted into the high half, the odd lane is already there (mask the low half away).
     */
    static float quad(BFloat16Array w, int i, FloatArray x, int xi) {
        long packed = w.getBits4(i);
        int lo = (int) packed;
        int hi = (int) (packed >>> 32);
        return Float.intBitsToFloat(lo << 16) * x.get(xi)
                + Float.intBitsToFloat(lo & 0xFFFF0000) * x.get(xi + 1)
                + Float.intBitsToFloat(hi << 16) * x.get(xi + 2)
                + Float.intBitsToFloat(hi & 0xFFFF0000) * x.get(xi + 3);
    }

    /**
     * One lane's share of a row dot: Σ over quads q = lane, lane + n, … < quads of W[wBase + 4q ..] · x[xBase + 4q ..].
     * Four quads per step into two accumulators, so each work-item keeps several loads in flight.
     */
    static float lanePart(BFloat16Array w, int wBase, FloatArray x, int xBase, int quads, int lane, int n) {
        float a0 = 0f;
        float a1 = 0f;
        int q = lane;
        for (; q + 3 * n < quads; q += 4 * n) {
            a0 += quad(w, wBase + 4 * q, x, xBase + 4 * q);
            a1 += quad(w, wBase + 4 * (q + n), x, xBase + 4 * (q + n));
            a0 += quad(w, wBase + 4 * (q + 2 * n), x, xBase + 4 * (q + 2 * n));
            a1 += quad(w, wBase + 4 * (q + 3 * n), x, xBase + 4 * (q + 3 * n));
        }
        for (; q < quads; q += n) {
            a0 += quad(w, wBase + 4 * q, x, xBase + 4 * q);
        }
        return a0 + a1;
    }

    /** Lanes of the first reduction step for rows of {@code rowThreads} (a power of two): the smallest f with f² ≥ n. */
    static int foldLanes(int rowThreads) {
        int f = 1;
        while (f * f < rowThreads) {
            f *= 2;
        }
        return f;
    }

    /**
     * First step of a row sum (no barrier): lane l < fold adds the row's partials l, l + fold, … into slot l. Each
     * lane reads only its own residue class, so no lane overwrites what another still reads. Callers: write
     * {@code partial[lid]}, barrier, this, barrier, {@link #foldTotal} on lane 0 — two barriers for any row width,
     * where a tree takes log2(rowThreads).
     */
    static void fold(float[] partial, int base, int lane, int rowThreads, int fold) {
        if (lane < fold) {
            float s = 0f;
            for (int j = lane; j < rowThreads; j += fold) {
                s += partial[base + j];
            }
            partial[base + lane] = s;
        }
    }

    /** Second step: Σ partial[base .. base + fold). */
    static float foldTotal(float[] partial, int base, int fold) {
        float s = 0f;
        for (int j = 0; j < fold; j++) {
            s += partial[base + j];
        }
        return s;
    }

    /** The whole row sum for lane 0 of each row (other lanes get an unspecified value); every work-item must call. */
    static float rowSum(KernelContext ctx, float[] partial, int lid, int lane, int rowThreads, float value) {
        int base = lid - lane;
        int f = foldLanes(rowThreads);
        partial[lid] = value;
        ctx.localBarrier();
        fold(partial, base, lane, rowThreads, f);
        ctx.localBarrier();
        return foldTotal(partial, base, f);
    }
}
