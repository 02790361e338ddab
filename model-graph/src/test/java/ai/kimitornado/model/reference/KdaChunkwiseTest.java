package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KdaChunkwiseTest {

    /**
     * Chunkwise == token recurrence: 150 tokens (2 full chunks of 64 + a partial one of 22), log decays
     * down to −20 per step (one channel per head always −20, so −cumsum reaches 1280 and would overflow
     * even double if the gating were factored), nonzero incoming state.
     */
    @ParameterizedTest(name = "T={0} chunk={1} subBlock={2}")
    @CsvSource({"150,64,16", "150,64,64", "150,16,16", "130,64,8", "1,64,16", "64,64,16"})
    void chunkwiseEqualsTokenRecurrence(int steps, int chunk, int subBlock) {
        TestData data = TestData.fresh("KdaChunkwiseTest T=" + steps + " chunk=" + chunk + " sub=" + subBlock);
        int heads = 3;
        int dk = 16;
        int dv = 16;
        float[][] q = data.gaussian(steps, heads * dk, 1.0); // [T][H*dk]
        float[][] k = data.gaussian(steps, heads * dk, 1.0); // [T][H*dk]
        float[][] v = data.gaussian(steps, heads * dv, 1.0); // [T][H*dv]
        float[][] g = new float[steps][heads * dk];          // [T][H*dk]
        float[][] beta = new float[steps][heads];            // [T][H]
        for (int t = 0; t < steps; t++) {
            L2Norm.perHead(q[t], heads, dk, 1.0 / Math.sqrt(dk));
            L2Norm.perHead(k[t], heads, dk, 1.0);
            for (int c = 0; c < heads * dk; c++) {
                g[t][c] = c % dk == 0 ? -20f : (float) -Math.min(20.0, Math.exp(data.uniform(-7, 3.2)));
            }
            for (int h = 0; h < heads; h++) {
                beta[t][h] = (float) data.uniform(0.0, 1.0);
            }
        }
        double[] initial = new double[heads * dk * dv]; // [H*dk*dv] nonzero incoming state
        for (int i = 0; i < initial.length; i++) {
            initial[i] = data.gaussian() * 0.5;
        }

        double[] stateRec = initial.clone();
        float[][] outRec = TestData.poisoned(steps, heads * dv);
        for (int t = 0; t < steps; t++) {
            KdaRecurrence.step(stateRec, heads, dk, dv, q[t], k[t], v[t], g[t], beta[t], outRec[t]);
        }
        double[] stateChunk = initial.clone();
        float[][] outChunk = KdaChunkwise.run(stateChunk, heads, dk, dv, q, k, v, g, beta, chunk, subBlock);

        double outErr = TestData.relativeError(outChunk, outRec);
        double stateErr = TestData.relativeError(stateChunk, stateRec);
        System.out.printf("KDA chunkwise vs recurrence (T=%d chunk=%d sub=%d): output rel err %.3e, state rel err %.3e%n",
                steps, chunk, subBlock, outErr, stateErr);
        assertTrue(outErr <= 1e-5, "output relative error " + outErr);
        assertTrue(stateErr <= 1e-5, "state relative error " + stateErr);
    }
}
