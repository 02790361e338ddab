package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Temperature + top-p (nucleus) sampling on the device, seeded, so only the token id returns:
 * <pre>
 *   p_v = exp((l_v − max l) / T)   (unnormalised, max 1)        Z = Σ p_v
 *   τ = the largest threshold with Σ_{p_v ≥ τ} p_v ≥ topP·Z      (bisection on [0, 1], 32 steps)
 *   u = uniform(seed, position)    id = the first v (in id order) whose cumulative kept mass exceeds u·Σ_{p ≥ τ} p
 * </pre>
 * The kept set is the nucleus (the smallest set of most likely tokens reaching topP; threshold ties aside).
 * Shapes: logits [C*V] (row count−1 is sampled), outId [1]. Grid: ONE work-group, local size a power of two
 * ≤ 256; work-item w owns the contiguous id range [w·⌈V/n⌉, (w+1)·⌈V/n⌉).
 */
public final class SampleTopP {
    private SampleTopP() {
    }

    static final int BISECTION_STEPS = 32;

    public static void apply(KernelContext ctx, FloatArray logits, IntArray outId, IntArray meta, int vocab,
                             float invTemperature, float topP) {
        float[] partial = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int count = meta.get(KernelLimits.META_COUNT);
        int base = (count - 1) * vocab;
        int chunk = (vocab + nt - 1) / nt;
        int lo = Math.min(vocab, lid * chunk);
        int hi = Math.min(vocab, lo + chunk);

        float mx = -3.4e38f;
        for (int v = lo; v < hi; v++) {
            mx = Math.max(mx, logits.get(base + v));
        }
        partial[lid] = mx;
        ctx.localBarrier();
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] = Math.max(partial[lid], partial[lid + stride]);
            }
            ctx.localBarrier();
        }
        float maxLogit = partial[0];
        ctx.localBarrier();

        float z = 0f;
        for (int v = lo; v < hi; v++) {
            z += (float) Math.exp((logits.get(base + v) - maxLogit) * invTemperature);
        }
        partial[lid] = z;
        ctx.localBarrier();
        WorkGroupSum.treeSum(ctx, partial, lid, nt);
        float target = topP * partial[0];
        ctx.localBarrier();

        float keepLo = 0f;  // mass(keepLo) ≥ target always
        float keepHi = 1.0001f;
        for (int step = 0; step < BISECTION_STEPS; step++) {
            float mid = 0.5f * (keepLo + keepHi);
            float mass = 0f;
            for (int v = lo; v < hi; v++) {
                float p = (float) Math.exp((logits.get(base + v) - maxLogit) * invTemperature);
                if (p >= mid) {
                    mass += p;
                }
            }
            partial[lid] = mass;
            ctx.localBarrier();
            for (int stride = nt >> 1; stride > 0; stride >>= 1) {
                if (lid < stride) {
                    partial[lid] += partial[lid + stride];
                }
                ctx.localBarrier();
            }
            if (partial[0] >= target) {
                keepLo = mid;
            } else {
                keepHi = mid;
            }
            ctx.localBarrier();
        }

        float kept = 0f;
        for (int v = lo; v < hi; v++) {
            float p = (float) Math.exp((logits.get(base + v) - maxLogit) * invTemperature);
            if (p >= keepLo) {
                kept += p;
            }
        }
        partial[lid] = kept;
        ctx.localBarrier();
        if (lid == 0) {
            float total = 0f;
            for (int w = 0; w < nt; w++) {
                total += partial[w];
            }
            float goal = uniform(meta.get(KernelLimits.META_SEED), meta.get(KernelLimits.META_POSITION) + count - 1)
                    * total;
            int owner = nt - 1;
            float before = 0f;
            for (int w = 0; w < nt; w++) {
                if (before + partial[w] > goal && partial[w] > 0f) {
                    owner = w;
                    break;
                }
                before += partial[w];
            }
            int from = Math.min(vocab, owner * chunk);
            int to = Math.min(vocab, from + chunk);
            int id = -1;
            float run = before;
            for (int v = from; v < to; v++) {
                float p = (float) Math.exp((logits.get(base + v) - maxLogit) * invTemperature);
                if (p >= keepLo) {
                    id = v; // the last kept id so far: rounding can never leave the result empty
                    run += p;
                    if (run > goal) {
                        break;
                    }
                }
            }
            outId.set(0, id);
        }
    }

    /** Counter-based uniform in [0, 1) from (seed, position): a 32-bit integer hash (lowbias32), no state. */
    public static float uniform(int seed, int position) {
        int x = seed ^ (position * 0x9E3779B9);
        x ^= x >>> 16;
        x *= 0x7FEB352D;
        x ^= x >>> 15;
        x *= 0x846CA68B;
        x ^= x >>> 16;
        return (x >>> 8) * (1.0f / 16777216f);
    }
}
