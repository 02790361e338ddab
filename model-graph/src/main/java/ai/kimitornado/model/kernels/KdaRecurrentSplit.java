package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA gated delta rule, token recurrence, with each head's state split by value columns across work-groups (the
 * fast variant of {@link KdaRecurrentStep}, which stays as the reference kernel). Per head h and token t:
 * <pre>
 *   S ← diag(exp(g_t)) · S      p = Sᵀ k_t      u = β_t (v_t − p)      S ← S + k_t uᵀ      o_t = Sᵀ q_t
 * </pre>
 * Why the split is exact: column j of S is updated from column j of S, v_t[j] and the shared key-side vectors
 * (k_t, q_t, exp(g_t), β_t) only, so value columns are independent recurrences.
 * <p>Grid: one work-group per (head, block of {@code cols} value columns): groupIdx = h·⌈dv/cols⌉ + block.
 * Work-item lid = r·cols + c owns column j = block·cols + c and key rows i ≡ r (mod nt/cols); the group keeps its
 * [dk × cols] slice of S in local memory for the whole chunk, so S is read from and written to global memory once
 * per launch (decode: 2 × 4 B × dk·dv per head, the floor), whatever the token count. Per token (two barriers):
 * stage k, q, exp(g) and the block's v (token t+1's loaded during token t), decay + partial Sᵀk, every work-item
 * sums its column's partials, update + partial Sᵀq (reduced after the next token's first barrier).
 * Local layout block[i·cols + c]: the two row slices of a warp hit distinct banks for cols = 16.
 * Requirements: cols a power of two ≤ {@link #MAX_COLS} dividing the local size; dk ≤ MAX_HEAD_DIM.
 * Shapes: q, k, g [C * H*dk]; v, out [C * H*dv]; beta [C*H]; state [H*dk*dv] (S[key][value]).
 * Gates: rawGates = 0 takes g as the log decay and beta as β (decode, after {@link KdaGates}); rawGates = 1 takes
 * g = W_fb·low (a GEMM, no bias) and beta = W_b·x (logits) and applies the epilogues of {@link KdaForgetGate} and
 * {@link KdaBeta} here (prefill: no per-token reduction kernels). dtBias [H*dk], aLog [H] fp32.
 * Tokens t &lt; count are processed in order; a chunk at position 0 starts a new sequence (the state is read as
 * zeros and overwritten).
 */
public final class KdaRecurrentSplit {
    private KdaRecurrentSplit() {
    }

    /** Most value columns per work-group (the local state slice is MAX_HEAD_DIM × MAX_COLS floats = 16 KiB). */
    public static final int MAX_COLS = 16;

    public static void run(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray g,
                           FloatArray beta, FloatArray dtBias, FloatArray aLog, FloatArray state, FloatArray out,
                           IntArray meta, int heads, int dk, int dv, int cols, int rawGates) {
        float[] block = ctx.allocateFloatLocalArray(KernelLimits.MAX_HEAD_DIM * MAX_COLS); // S[i][j0 + c]
        // token-parity double buffers [2][...]: token t+1 is staged while slower work-items still read token t
        float[] qs = ctx.allocateFloatLocalArray(2 * KernelLimits.MAX_HEAD_DIM);
        float[] ks = ctx.allocateFloatLocalArray(2 * KernelLimits.MAX_HEAD_DIM);
        float[] alpha = ctx.allocateFloatLocalArray(2 * KernelLimits.MAX_HEAD_DIM);
        float[] vs = ctx.allocateFloatLocalArray(2 * MAX_COLS);
        float[] partialP = ctx.allocateFloatLocalArray(KernelLimits.MAX_LOCAL);     // [slices][cols] of Sᵀk
        float[] partialO = ctx.allocateFloatLocalArray(2 * KernelLimits.MAX_LOCAL); // [2][slices][cols] of Sᵀq
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int slices = nt / cols;            // row slices: work-item r handles rows r, r + slices, ...
        int blocks = (dv + cols - 1) / cols;
        int h = ctx.groupIdx / blocks;
        int j0 = (ctx.groupIdx - h * blocks) * cols;
        int c = lid % cols;
        int r = lid / cols;
        int j = j0 + c;
        boolean active = h < heads && j < dv;
        int count = meta.get(KernelLimits.META_COUNT);
        boolean fresh = meta.get(KernelLimits.META_POSITION) == 0; // a new sequence: S = 0
        int sBase = h * dk * dv;
        float negA = -(float) Math.exp(aLog.get(h));
        // S slice in, four independent loads in flight per work-item; issued whatever the position (stale values are
        // discarded below) so that they do not wait for the meta load
        for (int i = r; i < dk; i += 4 * slices) {
            int i1 = i + slices;
            int i2 = i1 + slices;
            int i3 = i2 + slices;
            float s0 = active ? state.get(sBase + i * dv + j) : 0f;
            float s1 = active && i1 < dk ? state.get(sBase + i1 * dv + j) : 0f;
            float s2 = active && i2 < dk ? state.get(sBase + i2 * dv + j) : 0f;
            float s3 = active && i3 < dk ? state.get(sBase + i3 * dv + j) : 0f;
            block[i * cols + c] = fresh ? 0f : s0;
            if (i1 < dk) {
                block[i1 * cols + c] = fresh ? 0f : s1;
            }
            if (i2 < dk) {
                block[i2 * cols + c] = fresh ? 0f : s2;
            }
            if (i3 < dk) {
                block[i3 * cols + c] = fresh ? 0f : s3;
            }
        }
        // one staged key element per work-item (GPU local sizes): token t+1's inputs are loaded during token t
        boolean direct = nt >= dk;
        boolean mine = direct && lid < dk;
        float bias = mine ? dtBias.get(h * dk + lid) : 0f;
        // row 0 always exists (capacity ≥ 1): token 0's inputs load without waiting for count
        float nq = mine ? q.get(h * dk + lid) : 0f;
        float nk = mine ? k.get(h * dk + lid) : 0f;
        float ng = mine ? g.get(h * dk + lid) : 0f;
        float nv = lid < cols && j0 + lid < dv ? v.get(h * dv + j0 + lid) : 0f;
        float nb = beta.get(h);
        // Two barriers per token. Hazards: staging writes the other parity's buffers; partialP(t+1) is written after
        // barrier 1 of t+1, which every reader of partialP(t) has passed; partialO(t) is reduced after barrier 1 of
        // t+1 and rewritten only at t+2, after barrier 2 of t+1.
        for (int t = 0; t < count; t++) {
            int kBase = t * heads * dk + h * dk;
            int par = t & 1;
            int kPar = par * KernelLimits.MAX_HEAD_DIM;
            if (mine) {
                qs[kPar + lid] = nq;
                ks[kPar + lid] = nk;
                alpha[kPar + lid] = decay(ng, bias, negA, rawGates);
            }
            if (!direct) {
                for (int i = lid; i < dk; i += nt) {
                    qs[kPar + i] = q.get(kBase + i);
                    ks[kPar + i] = k.get(kBase + i);
                    alpha[kPar + i] = decay(g.get(kBase + i), dtBias.get(h * dk + i), negA, rawGates);
                }
            }
            if (lid < cols) {
                vs[par * MAX_COLS + lid] = nv;
            }
            float bt = rawGates != 0 ? 1f / (1f + (float) Math.exp(-nb)) : nb;
            if (t + 1 < count) {
                int next = kBase + heads * dk;
                if (mine) {
                    nq = q.get(next + lid);
                    nk = k.get(next + lid);
                    ng = g.get(next + lid);
                }
                if (lid < cols && j0 + lid < dv) {
                    nv = v.get((t + 1) * heads * dv + h * dv + j0 + lid);
                }
                nb = beta.get((t + 1) * heads + h);
            }
            ctx.localBarrier();
            if (t > 0 && r == 0 && active) {
                out.set((t - 1) * heads * dv + h * dv + j, columnSum(partialO, (1 - par) * KernelLimits.MAX_LOCAL, c, cols, slices));
            }
            float p = 0f;
            for (int i = r; i < dk; i += slices) {
                float s = block[i * cols + c] * alpha[kPar + i];
                block[i * cols + c] = s;
                p = Math.fma(s, ks[kPar + i], p); // explicit: the JIT never contracts a*b+c (Java semantics)
            }
            partialP[lid] = p;
            ctx.localBarrier();
            float u = active ? bt * (vs[par * MAX_COLS + c] - columnSum(partialP, 0, c, cols, slices)) : 0f;
            float o = 0f;
            for (int i = r; i < dk; i += slices) {
                float s = Math.fma(ks[kPar + i], u, block[i * cols + c]);
                block[i * cols + c] = s;
                o = Math.fma(s, qs[kPar + i], o);
            }
            partialO[par * KernelLimits.MAX_LOCAL + lid] = o;
        }
        ctx.localBarrier();
        if (count > 0 && r == 0 && active) {
            int last = count - 1;
            out.set(last * heads * dv + h * dv + j, columnSum(partialO, (last & 1) * KernelLimits.MAX_LOCAL, c, cols, slices));
        }
        if (active) {
            for (int i = r; i < dk; i += slices) {
                state.set(sBase + i * dv + j, block[i * cols + c]);
            }
        }
    }

    /** Σ_r partial[base + r·cols + c] over the row slices, four independent partial sums (slices a power of two). */
    static float columnSum(float[] partial, int base, int c, int cols, int slices) {
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        int rr = 0;
        for (; rr + 3 < slices; rr += 4) {
            a0 += partial[base + rr * cols + c];
            a1 += partial[base + (rr + 1) * cols + c];
            a2 += partial[base + (rr + 2) * cols + c];
            a3 += partial[base + (rr + 3) * cols + c];
        }
        for (; rr < slices; rr++) {
            a0 += partial[base + rr * cols + c];
        }
        return (a0 + a1) + (a2 + a3);
    }

    /**
     * α = exp(log decay). rawGates = 0: {@code f} is the log decay g itself. rawGates = 1: {@code f} is the raw
     * forget projection W_fb·low and g = −exp(A_log)·softplus(f + dt_bias) (threshold 20), as {@link KdaForgetGate}.
     */
    static float decay(float f, float dtBias, float negA, int rawGates) {
        if (rawGates != 0) {
            float z = f + dtBias;
            float softplus = z > 20f ? z : (float) Math.log(1f + (float) Math.exp(z));
            return (float) Math.exp(negA * softplus);
        }
        return (float) Math.exp(f);
    }
}
