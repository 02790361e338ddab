package ai.kimitornado.model.reference;

/**
 * KDA chunkwise-parallel form (KIMI_LINEAR.md §3.4); equals {@link KdaRecurrence} in exact arithmetic.
 * Per head, per chunk of L ≤ C tokens with incoming state S [dk][dv]:
 * <pre>
 *   G_r   = Σ_{m≤r} g_m                                   cumulative log decay, restarts per chunk (≤ 0, non-increasing)
 *   P[i][j] = Σ_d q_i[d] k_j[d] exp(G_i[d] − G_j[d])        j ≤ i
 *   A[i][j] = β_i Σ_d k_i[d] k_j[d] exp(G_i[d] − G_j[d])    j < i
 *   T = (I + A)^-1                                          forward substitution (unit lower triangular)
 *   W = T · (β ⊙ exp(G) ⊙ K)          [L][dk]
 *   U = T · (β ⊙ V)                   [L][dv]
 *   Vn = U − W · S                    [L][dv]
 *   O  = (Q ⊙ exp(G)) · S + P · Vn    [L][dv]
 *   S ← diag(exp(G_{L−1})) · S + (K ⊙ exp(G_{L−1} − G))ᵀ · Vn
 * </pre>
 * Overflow safety: exp(G_i − G_j) is never split into exp(G_i)·exp(−G_j) (−G grows without bound).
 * Pairs inside one sub-block use per-pair differences; for a row sub-block I starting at row n and a
 * column j in an earlier sub-block, the product is formed as (q_i·exp(G_i − G_n)) · (k_j·exp(G_n − G_j)),
 * both exponents ≤ 0 (fla's sub-block trick). {@code subBlock >= chunkSize} means per-pair everywhere.
 * All internal arithmetic is double; the state is double {@code state[(h*dk + i)*dv + j]}.
 */
public final class KdaChunkwise {
    /** Chunk size of fla and transformers. */
    public static final int DEFAULT_CHUNK = 64;
    /** fla's intra-chunk sub-block size. */
    public static final int DEFAULT_SUB_BLOCK = 16;

    private KdaChunkwise() {
    }

    /**
     * @param state [H * dk * dv] incoming state, replaced by the outgoing state
     * @param q     [T][H*dk] normalised, scaled queries
     * @param k     [T][H*dk] normalised keys
     * @param v     [T][H*dv] values
     * @param g     [T][H*dk] log decays (≤ 0)
     * @param beta  [T][H] write strengths
     * @return [T][H*dv] outputs
     */
    public static float[][] run(double[] state, int heads, int dk, int dv,
                                float[][] q, float[][] k, float[][] v, float[][] g, float[][] beta,
                                int chunkSize, int subBlock) {
        if (chunkSize <= 0 || subBlock <= 0) {
            throw new IllegalArgumentException("KdaChunkwise.run: chunkSize " + chunkSize + " and subBlock "
                    + subBlock + " must be positive");
        }
        int steps = q.length;
        float[][] out = new float[steps][heads * dv];
        for (int h = 0; h < heads; h++) {
            for (int start = 0; start < steps; start += chunkSize) {
                int len = Math.min(chunkSize, steps - start);
                chunk(state, h, dk, dv, q, k, v, g, beta, start, len, subBlock, out);
            }
        }
        return out;
    }

    private static void chunk(double[] state, int h, int dk, int dv,
                              float[][] q, float[][] k, float[][] v, float[][] g, float[][] beta,
                              int start, int len, int subBlock, float[][] out) {
        int qkOff = h * dk;
        int vOff = h * dv;
        int sBase = h * dk * dv;

        double[][] cum = new double[len][dk]; // [L][dk] G_r
        for (int r = 0; r < len; r++) {
            for (int d = 0; d < dk; d++) {
                double prev = r == 0 ? 0.0 : cum[r - 1][d];
                cum[r][d] = prev + g[start + r][qkOff + d];
            }
        }
        double[] b = new double[len]; // [L] β
        for (int r = 0; r < len; r++) {
            b[r] = beta[start + r][h];
        }

        // P [L][L] (j ≤ i) and A [L][L] (j < i), with overflow-safe gating.
        double[][] p = new double[len][len];
        double[][] a = new double[len][len];
        double[][] colK = new double[len][dk]; // [L][dk] k_j·exp(G_n − G_j) for columns before the sub-block
        for (int blockStart = 0; blockStart < len; blockStart += subBlock) {
            int blockEnd = Math.min(len, blockStart + subBlock);
            double[] ref = cum[blockStart]; // G_n
            for (int j = 0; j < blockStart; j++) {
                for (int d = 0; d < dk; d++) {
                    colK[j][d] = k[start + j][qkOff + d] * Math.exp(ref[d] - cum[j][d]);
                }
            }
            for (int i = blockStart; i < blockEnd; i++) {
                // off-diagonal sub-blocks: reference row n = blockStart
                if (blockStart > 0) {
                    double[] rowQ = new double[dk];
                    double[] rowK = new double[dk];
                    for (int d = 0; d < dk; d++) {
                        double decay = Math.exp(cum[i][d] - ref[d]);
                        rowQ[d] = q[start + i][qkOff + d] * decay;
                        rowK[d] = k[start + i][qkOff + d] * decay;
                    }
                    for (int j = 0; j < blockStart; j++) {
                        double pq = 0;
                        double pk = 0;
                        for (int d = 0; d < dk; d++) {
                            pq += rowQ[d] * colK[j][d];
                            pk += rowK[d] * colK[j][d];
                        }
                        p[i][j] = pq;
                        a[i][j] = b[i] * pk;
                    }
                }
                // diagonal sub-block: per-pair differences
                for (int j = blockStart; j <= i; j++) {
                    double pq = 0;
                    double pk = 0;
                    for (int d = 0; d < dk; d++) {
                        double decay = Math.exp(cum[i][d] - cum[j][d]);
                        double kj = k[start + j][qkOff + d];
                        pq += q[start + i][qkOff + d] * kj * decay;
                        pk += k[start + i][qkOff + d] * kj * decay;
                    }
                    p[i][j] = pq;
                    a[i][j] = j < i ? b[i] * pk : 0.0;
                }
            }
        }

        // T = (I + A)^-1: T[i][i] = 1, T[i][j] = −Σ_{m=j..i−1} A[i][m] T[m][j]
        double[][] tInv = new double[len][len];
        for (int i = 0; i < len; i++) {
            tInv[i][i] = 1.0;
            for (int j = 0; j < i; j++) {
                double acc = 0;
                for (int m = j; m < i; m++) {
                    acc += a[i][m] * tInv[m][j];
                }
                tInv[i][j] = -acc;
            }
        }

        // W = T·(β ⊙ exp(G) ⊙ K) [L][dk];  U = T·(β ⊙ V) [L][dv]
        double[][] w = new double[len][dk];
        double[][] u = new double[len][dv];
        for (int i = 0; i < len; i++) {
            for (int m = 0; m <= i; m++) {
                double coef = tInv[i][m] * b[m];
                if (coef == 0.0) {
                    continue;
                }
                for (int d = 0; d < dk; d++) {
                    w[i][d] += coef * Math.exp(cum[m][d]) * k[start + m][qkOff + d];
                }
                for (int e = 0; e < dv; e++) {
                    u[i][e] += coef * v[start + m][vOff + e];
                }
            }
        }

        // Vn = U − W·S [L][dv]
        double[][] vn = new double[len][dv];
        for (int i = 0; i < len; i++) {
            for (int e = 0; e < dv; e++) {
                double acc = u[i][e];
                for (int d = 0; d < dk; d++) {
                    acc -= w[i][d] * state[sBase + d * dv + e];
                }
                vn[i][e] = acc;
            }
        }

        // O = (Q ⊙ exp(G))·S + P·Vn
        for (int i = 0; i < len; i++) {
            double[] qg = new double[dk];
            for (int d = 0; d < dk; d++) {
                qg[d] = q[start + i][qkOff + d] * Math.exp(cum[i][d]);
            }
            for (int e = 0; e < dv; e++) {
                double acc = 0;
                for (int d = 0; d < dk; d++) {
                    acc += qg[d] * state[sBase + d * dv + e];
                }
                for (int j = 0; j <= i; j++) {
                    acc += p[i][j] * vn[j][e];
                }
                out[start + i][vOff + e] = (float) acc;
            }
        }

        // S ← diag(exp(G_{L−1}))·S + (K ⊙ exp(G_{L−1} − G))ᵀ·Vn
        double[] last = cum[len - 1];
        for (int d = 0; d < dk; d++) {
            double decayAll = Math.exp(last[d]);
            double[] kd = new double[len]; // [L] k_r[d]·exp(G_{L−1}[d] − G_r[d])
            for (int r = 0; r < len; r++) {
                kd[r] = k[start + r][qkOff + d] * Math.exp(last[d] - cum[r][d]);
            }
            int row = sBase + d * dv;
            for (int e = 0; e < dv; e++) {
                double acc = decayAll * state[row + e];
                for (int r = 0; r < len; r++) {
                    acc += kd[r] * vn[r][e];
                }
                state[row + e] = acc;
            }
        }
    }
}
