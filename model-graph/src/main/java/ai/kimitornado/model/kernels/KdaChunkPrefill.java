package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * KDA chunkwise-parallel form for prefill (KIMI_LINEAR.md §3.4): the launch's count tokens (any number) as consecutive
 * KDA sub-chunks of L ≤ cap tokens (cap = 64 as in fla), equal to {@link KdaRecurrentStep} in exact arithmetic.
 * The graph runs {@link KdaRecurrentSplit} instead (see ForwardGraphBuilder); this kernel is the tested reference. Per head h with incoming state S [dk][dv]:
 * <pre>
 *   G_r = Σ_{m≤r} g_m                                  (≤ 0, restarts per chunk)
 *   P[i][j] = Σ_d q_i k_j exp(G_i − G_j)  (j ≤ i)      A[i][j] = β_i Σ_d k_i k_j exp(G_i − G_j)  (j &lt; i)
 *   T = (I + A)^-1 (forward substitution)    W = T·(β ⊙ exp(G) ⊙ K)    U = T·(β ⊙ V)
 *   Vn = U − W·S    O = (Q ⊙ exp(G))·S + P·Vn    S ← exp(G_{L−1}) ⊙ S + (K ⊙ exp(G_{L−1} − G))ᵀ·Vn
 * </pre>
 * Overflow safety: the pairwise decay is formed per pair as exp(G_i − G_j) (exponent ≤ 0), never as
 * exp(G_i)·exp(−G_j); every other exponential is ≤ 1 as well.
 * Shapes: q, k, g [C * H*dk]; v, out [C * H*dv]; beta [C*H]; state [H*dk*dv] (S[key][value]).
 * Scratch (global, a private slice per head): cum [H*cap*dk] G; decays [H*2*cap*dk] exp(G), exp(G_{L−1}−G);
 * pairs [H*3*cap*cap] P, A, T; wm [H*cap*dk] W; um [H*cap*dv] U then Vn.
 * Grid: one work-group per head (groupIdx); phases are separated by work-group barriers with a global fence
 * (each group touches only its own head's slices). In the last phase work-item e owns value column e of S,
 * Vn and O, so reading S for O and then overwriting it needs no barrier. A chunk at position 0 starts a new
 * sequence: the incoming state is taken as zero (and overwritten).
 */
public final class KdaChunkPrefill {
    private KdaChunkPrefill() {
    }

    /** KDA sub-chunk length the graph would use (fla's chunk size); the scratch is sized by it, not by C. */
    public static final int SUB_CHUNK = 64;

    public static void run(KernelContext ctx, FloatArray q, FloatArray k, FloatArray v, FloatArray g,
                           FloatArray beta, FloatArray state, FloatArray out,
                           FloatArray cum, FloatArray decays, FloatArray pairs, FloatArray wm, FloatArray um,
                           IntArray meta, int heads, int dk, int dv, int cap) {
        int h = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int total = meta.get(KernelLimits.META_COUNT);
        if (total <= 0) {
            return; // uniform over the group: no work-item reaches a barrier
        }
        int qkStride = heads * dk;        // token stride of q, k, g
        int vStride = heads * dv;         // token stride of v, out
        int cumBase = h * cap * dk;       // G[r][d] at cumBase + r*dk + d (same layout for wm)
        int egBase = h * 2 * cap * dk;    // exp(G_r[d]) at egBase + r*dk + d
        int edBase = egBase + cap * dk;   // exp(G_{L−1}[d] − G_r[d]) at edBase + r*dk + d
        int pBase = h * 3 * cap * cap;    // P[i][j] at pBase + i*cap + j
        int aBase = pBase + cap * cap;    // A
        int tBase = aBase + cap * cap;    // T
        int uBase = h * cap * dv;         // U / Vn [r][e]
        int sBase = h * dk * dv;

        if (meta.get(KernelLimits.META_POSITION) == 0) {
            for (int e = lid; e < dv; e += nt) {
                for (int d = 0; d < dk; d++) {
                    state.set(sBase + d * dv + e, 0f);
                }
            }
        }

        // consecutive KDA sub-chunks of at most cap tokens; the scratch is per sub-chunk (independent of C)
        for (int t0 = 0; t0 < total; t0 += cap) {
            int len = Math.min(cap, total - t0);
            int qkOff = t0 * qkStride;    // first row of this sub-chunk in q, k, g
            int vOff = t0 * vStride;      // ... in v, out
            int bOff = t0 * heads;        // ... in beta
            // 1. cumulative log decay per key channel, and the two bounded decay factors
            for (int d = lid; d < dk; d += nt) {
                float run = 0f;
                for (int r = 0; r < len; r++) {
                    run += g.get(qkOff + r * qkStride + h * dk + d);
                    cum.set(cumBase + r * dk + d, run);
                    decays.set(egBase + r * dk + d, (float) Math.exp(run));
                }
                for (int r = 0; r < len; r++) {
                    decays.set(edBase + r * dk + d, (float) Math.exp(run - cum.get(cumBase + r * dk + d)));
                }
            }
            ctx.globalBarrier();

            // 2. P (j ≤ i) and A (j < i) with per-pair decay differences
            for (int pair = lid; pair < len * len; pair += nt) {
                int i = pair / len;
                int j = pair - i * len;
                float pv = 0f;
                float av = 0f;
                if (j <= i) {
                    int qi = qkOff + i * qkStride + h * dk;
                    int kj = qkOff + j * qkStride + h * dk;
                    for (int d = 0; d < dk; d++) {
                        float decay = (float) Math.exp(cum.get(cumBase + i * dk + d) - cum.get(cumBase + j * dk + d));
                        float kjd = k.get(kj + d) * decay;
                        pv += q.get(qi + d) * kjd;
                        av += k.get(qi + d) * kjd;
                    }
                    av = j < i ? av * beta.get(bOff + i * heads + h) : 0f;
                }
                pairs.set(pBase + i * cap + j, pv);
                pairs.set(aBase + i * cap + j, av);
            }
            ctx.globalBarrier();

            // 3. T = (I + A)^-1, row by row: T[i][j] = −Σ_{m=j..i−1} A[i][m] T[m][j]
            for (int i = 0; i < len; i++) {
                for (int j = lid; j < len; j += nt) {
                    float tv = 0f;
                    if (j < i) {
                        float s = 0f;
                        for (int m = j; m < i; m++) {
                            s += pairs.get(aBase + i * cap + m) * pairs.get(tBase + m * cap + j);
                        }
                        tv = -s;
                    } else if (j == i) {
                        tv = 1f;
                    }
                    pairs.set(tBase + i * cap + j, tv);
                }
                ctx.globalBarrier();
            }

            // 4. W = T·(β ⊙ exp(G) ⊙ K) and U = T·(β ⊙ V), one column per work-item
            for (int col = lid; col < dk + dv; col += nt) {
                for (int r = 0; r < len; r++) {
                    float s = 0f;
                    for (int m = 0; m <= r; m++) {
                        float tb = pairs.get(tBase + r * cap + m) * beta.get(bOff + m * heads + h);
                        if (col < dk) {
                            s += tb * decays.get(egBase + m * dk + col) * k.get(qkOff + m * qkStride + h * dk + col);
                        } else {
                            s += tb * v.get(vOff + m * vStride + h * dv + (col - dk));
                        }
                    }
                    if (col < dk) {
                        wm.set(cumBase + r * dk + col, s);
                    } else {
                        um.set(uBase + r * dv + (col - dk), s);
                    }
                }
            }
            ctx.globalBarrier();

            // 5–7. per value column e: Vn = U − W·S; O = (Q ⊙ exp(G))·S + P·Vn; S ← exp(G_{L−1}) ⊙ S + (K ⊙ decayToEnd)ᵀ·Vn
            for (int e = lid; e < dv; e += nt) {
                for (int r = 0; r < len; r++) {
                    float s = 0f;
                    for (int d = 0; d < dk; d++) {
                        s += wm.get(cumBase + r * dk + d) * state.get(sBase + d * dv + e);
                    }
                    um.set(uBase + r * dv + e, um.get(uBase + r * dv + e) - s);
                }
                for (int r = 0; r < len; r++) {
                    float o = 0f;
                    int qr = qkOff + r * qkStride + h * dk;
                    for (int d = 0; d < dk; d++) {
                        o += q.get(qr + d) * decays.get(egBase + r * dk + d) * state.get(sBase + d * dv + e);
                    }
                    for (int m = 0; m <= r; m++) {
                        o += pairs.get(pBase + r * cap + m) * um.get(uBase + m * dv + e);
                    }
                    out.set(vOff + r * vStride + h * dv + e, o);
                }
                for (int d = 0; d < dk; d++) {
                    float s = decays.get(egBase + (len - 1) * dk + d) * state.get(sBase + d * dv + e);
                    for (int r = 0; r < len; r++) {
                        s += k.get(qkOff + r * qkStride + h * dk + d) * decays.get(edBase + r * dk + d) * um.get(uBase + r * dv + e);
                    }
                    state.set(sBase + d * dv + e, s);
                }
            }
            ctx.globalBarrier(); // the next sub-chunk reads S and rewrites the scratch other work-items just read
        }
    }
}
