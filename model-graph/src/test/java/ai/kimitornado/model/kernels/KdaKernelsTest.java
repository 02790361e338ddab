package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertAllNaN;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;

import ai.kimitornado.model.reference.Activations;
import ai.kimitornado.model.reference.GatedRmsNorm;
import ai.kimitornado.model.reference.KdaRecurrence;
import ai.kimitornado.model.reference.L2Norm;
import ai.kimitornado.model.reference.Matrix;
import ai.kimitornado.model.reference.ShortConvolution;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/** KDA kernels vs the reference ops: conv with history, q/k norm, gates, recurrent step, chunkwise prefill. */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class KdaKernelsTest {
    @Parameter
    String device;


    @ParameterizedTest(name = "channels {0} width {1}")
    @CsvSource({"64, 4", "4096, 4"})
    void shortConvWithHistoryMatchesReferenceOverTwoCalls(int channels, int width) {
        TestData data = new TestData(device + " " + "shortconv " + channels);
        int capacity = 5;
        BFloat16Array[] taps = {data.bf16(channels * width, 0.8f), data.bf16(channels * width, 0.8f),
                data.bf16(channels * width, 0.8f)};
        // stale history from an earlier sequence: a call at position 0 must read it as zeros
        FloatArray[] hist = {FloatArray.fromArray(data.uniform((width - 1) * channels, 9f)),
                FloatArray.fromArray(data.uniform((width - 1) * channels, 9f)),
                FloatArray.fromArray(data.uniform((width - 1) * channels, 9f))};
        float[][][] refHist = new float[3][width - 1][channels];
        for (int[] call : new int[][] {{5, 0}, {2, 5}, {1, 7}}) { // (count, position): history carries over
            int count = call[0];
            float[][] raw = {data.uniform(capacity * channels, 2f), data.uniform(capacity * channels, 2f),
                    data.uniform(capacity * channels, 2f)};
            FloatArray[] out = {poisoned(capacity * channels), poisoned(capacity * channels), poisoned(capacity * channels)};
            KernelDevices.launch(device, ShortConvSilu.class, "qkv", dims(NormAndProjectionKernelsTest.roundUp(3L * channels, 64)), dims(64),
                    new KernelContext(), FloatArray.fromArray(raw[0]), FloatArray.fromArray(raw[1]), FloatArray.fromArray(raw[2]),
                    taps[0], taps[1], taps[2], hist[0], hist[1], hist[2], out[0], out[1], out[2],
                    meta(call[1], count), channels, width);
            for (int s = 0; s < 3; s++) {
                float[][] rows = new float[count][];
                for (int t = 0; t < count; t++) {
                    rows[t] = java.util.Arrays.copyOfRange(raw[s], t * channels, (t + 1) * channels);
                }
                float[][] expected = ShortConvolution.apply(rows, taps[s].toHeapArray(), width, refHist[s]);
                for (int t = 0; t < count; t++) {
                    assertClose("conv " + s + " token " + t, expected[t], 0, out[s], t * channels, channels, 1e-5, 1e-5);
                }
                assertAllNaN("conv", out[s], count * channels, capacity * channels);
                for (int j = 0; j < width - 1; j++) {
                    assertClose("history " + s + " row " + j, refHist[s][j], 0, hist[s], j * channels, channels, 0, 0);
                }
            }
        }
    }

    @ParameterizedTest(name = "heads {0} dk {1} local {2}")
    @CsvSource({"4, 16, 16", "32, 128, 128", "3, 100, 64"})
    void l2NormOfQueriesAndKeysMatchesReference(int heads, int dk, int local) {
        TestData data = new TestData(device + " " + "l2norm " + heads + "x" + dk);
        int capacity = 3;
        int count = 2;
        float[] q = data.uniform(capacity * heads * dk, 2f);
        float[] k = data.uniform(capacity * heads * dk, 2f);
        FloatArray qa = FloatArray.fromArray(q);
        FloatArray ka = FloatArray.fromArray(k);
        float qScale = (float) (1.0 / Math.sqrt(dk));
        KernelDevices.launch(device, L2NormQk.class, "apply", dims(2L * heads * local, capacity), dims(local, 1),
                new KernelContext(), qa, ka, meta(0, count), heads, dk, qScale);
        for (int t = 0; t < count; t++) {
            float[] qr = java.util.Arrays.copyOfRange(q, t * heads * dk, (t + 1) * heads * dk);
            float[] kr = java.util.Arrays.copyOfRange(k, t * heads * dk, (t + 1) * heads * dk);
            L2Norm.perHead(qr, heads, dk, 1.0 / Math.sqrt(dk));
            L2Norm.perHead(kr, heads, dk, 1.0);
            assertClose("q token " + t, qr, 0, qa, t * heads * dk, heads * dk, 1e-6, 1e-5);
            assertClose("k token " + t, kr, 0, ka, t * heads * dk, heads * dk, 1e-6, 1e-5);
        }
        // row beyond count untouched
        assertClose("q tail", q, count * heads * dk, qa, count * heads * dk, heads * dk, 0, 0);
    }

    @ParameterizedTest(name = "heads {0} dk {1} dim {2}")
    @CsvSource({"4, 16, 64", "32, 128, 2304"})
    void forgetGateAndBetaMatchReference(int heads, int dk, int dim) {
        TestData data = new TestData(device + " " + "kda gates " + heads + "x" + dk);
        int channels = heads * dk;
        int rank = dk;
        int count = 2;
        float[] low = data.uniform(count * rank, 2f);
        BFloat16Array fb = data.bf16(channels * rank, 0.5f);
        float[] dtBias = data.uniform(channels, 3f);
        float[] aLog = data.uniform(heads, 2f);
        aLog[0] = 2.8f; // A ≈ 16: strong decays
        BFloat16Array wb = data.bf16(heads * dim, 0.2f);
        float[] x = data.uniform(count * dim, 1f);
        FloatArray g = poisoned(count * channels);
        FloatArray beta = poisoned(count * heads);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, KdaForgetGate.class, "apply", dims(channels * 64L, count), dims(64, 1), new KernelContext(),
                FloatArray.fromArray(low), fb, FloatArray.fromArray(dtBias), FloatArray.fromArray(aLog), g, meta,
                channels, rank, dk);
        KernelDevices.launch(device, KdaBeta.class, "apply", dims(heads * 128L, count), dims(128, 1), new KernelContext(),
                wb, FloatArray.fromArray(x), beta, meta, heads, dim);
        Matrix fbm = TestData.matrix("fb", fb, 0, channels, rank);
        Matrix wbm = TestData.matrix("wb", wb, 0, heads, dim);
        for (int t = 0; t < count; t++) {
            float[] expectedG = new float[channels];
            for (int c = 0; c < channels; c++) {
                double f = fbm.dotRow(c, low, t * rank) + dtBias[c];
                expectedG[c] = (float) (-Math.exp(aLog[c / dk]) * Activations.softplus(f));
            }
            assertClose("g token " + t, expectedG, 0, g, t * channels, channels, 1e-5, 1e-4);
            float[] expectedBeta = new float[heads];
            for (int h = 0; h < heads; h++) {
                expectedBeta[h] = (float) Activations.sigmoid(wbm.dotRow(h, x, t * dim));
            }
            assertClose("beta token " + t, expectedBeta, 0, beta, t * heads, heads, 1e-6, 1e-5);
        }
    }

    @ParameterizedTest(name = "heads {0} dk {1} local {2} tokens in parallel {3}")
    @CsvSource({"4, 16, 16, false", "3, 20, 8, false", "32, 128, 128, false", "2, 8, 1, false",
            "4, 16, 16, true", "3, 20, 8, true", "32, 128, 128, true", "2, 8, 1, true"})
    void fusedConvSiluNormMatchesReferenceOverCalls(int heads, int dk, int local, boolean parallel) {
        TestData data = new TestData(device + " " + "conv+norm " + heads + "x" + dk + " local " + local
                + (parallel ? " perToken+shiftHistory" : " apply"));
        int width = 4;
        int channels = heads * dk;
        int capacity = 4;
        BFloat16Array[] taps = {data.bf16(channels * width, 0.8f), data.bf16(channels * width, 0.8f),
                data.bf16(channels * width, 0.8f)};
        // stale history from an earlier sequence: a call at position 0 must read it as zeros
        FloatArray[] hist = {FloatArray.fromArray(data.uniform((width - 1) * channels, 9f)),
                FloatArray.fromArray(data.uniform((width - 1) * channels, 9f)),
                FloatArray.fromArray(data.uniform((width - 1) * channels, 9f))};
        float[][][] refHist = new float[3][width - 1][channels];
        for (int[] call : new int[][] {{1, 0}, {1, 1}, {1, 2}, {3, 3}, {1, 6}, {2, 0}}) { // (count, position)
            int count = call[0];
            if (call[1] == 0) {
                refHist = new float[3][width - 1][channels];
            }
            float[][] raw = {data.uniform(capacity * channels, 2f), data.uniform(capacity * channels, 2f),
                    data.uniform(capacity * channels, 2f)};
            FloatArray[] out = {poisoned(capacity * channels), poisoned(capacity * channels), poisoned(capacity * channels)};
            FloatArray[] rawArrays = {FloatArray.fromArray(raw[0]), FloatArray.fromArray(raw[1]), FloatArray.fromArray(raw[2])};
            IntArray meta = meta(call[1], count);
            float qScale = (float) (1.0 / Math.sqrt(dk));
            if (parallel) {
                KernelDevices.launch(device, KdaConvSiluNorm.class, "perToken", dims(3L * heads * local, capacity),
                        dims(local, 1), new KernelContext(), rawArrays[0], rawArrays[1], rawArrays[2],
                        taps[0], taps[1], taps[2], hist[0], hist[1], hist[2], out[0], out[1], out[2],
                        meta, heads, dk, width, qScale);
                KernelDevices.launch(device, KdaConvSiluNorm.class, "shiftHistory",
                        dims(NormAndProjectionKernelsTest.roundUp(3L * channels, 64)), dims(64), new KernelContext(),
                        rawArrays[0], rawArrays[1], rawArrays[2], hist[0], hist[1], hist[2], meta, channels, width);
            } else {
                KernelDevices.launch(device, KdaConvSiluNorm.class, "apply", dims(3L * heads * local), dims(local),
                        new KernelContext(), rawArrays[0], rawArrays[1], rawArrays[2],
                        taps[0], taps[1], taps[2], hist[0], hist[1], hist[2], out[0], out[1], out[2],
                        meta, heads, dk, width, qScale);
            }
            for (int s = 0; s < 3; s++) {
                float[][] rows = new float[count][];
                for (int t = 0; t < count; t++) {
                    rows[t] = java.util.Arrays.copyOfRange(raw[s], t * channels, (t + 1) * channels);
                }
                float[][] expected = ShortConvolution.apply(rows, taps[s].toHeapArray(), width, refHist[s]);
                for (int t = 0; t < count; t++) {
                    if (s < 2) {
                        L2Norm.perHead(expected[t], heads, dk, s == 0 ? 1.0 / Math.sqrt(dk) : 1.0);
                    }
                    assertClose("conv+norm " + s + " token " + t + " at " + call[1], expected[t], 0, out[s], t * channels,
                            channels, 1e-6, 1e-5);
                }
                assertAllNaN("conv+norm", out[s], count * channels, capacity * channels);
                for (int j = 0; j < width - 1; j++) {
                    assertClose("history " + s + " row " + j, refHist[s][j], 0, hist[s], j * channels, channels, 0, 0);
                }
            }
        }
    }

    @ParameterizedTest(name = "heads {0} dk {1} dim {2} local {3}")
    @CsvSource({"4, 16, 64, 16", "32, 128, 2304, 128", "3, 8, 40, 1"})
    void fusedGatesMatchReference(int heads, int dk, int dim, int local) {
        TestData data = new TestData(device + " " + "kda fused gates " + heads + "x" + dk);
        int channels = heads * dk;
        int rank = dk;
        int count = 2;
        int capacity = 3;
        float[] low = data.uniform(capacity * rank, 2f);
        BFloat16Array fb = data.bf16(channels * rank, 0.5f);
        float[] dtBias = data.uniform(channels, 3f);
        float[] aLog = data.uniform(heads, 2f);
        aLog[0] = 2.8f; // A ≈ 16: strong decays
        BFloat16Array wb = data.bf16(heads * dim, 0.2f);
        float[] x = data.uniform(capacity * dim, 1f);
        FloatArray g = poisoned(capacity * channels);
        FloatArray beta = poisoned(capacity * heads);
        KernelDevices.launch(device, KdaGates.class, "apply", dims((channels + heads) * (long) local, capacity), dims(local, 1),
                new KernelContext(), FloatArray.fromArray(low), fb, FloatArray.fromArray(dtBias), FloatArray.fromArray(aLog),
                wb, FloatArray.fromArray(x), g, beta, meta(0, count), channels, rank, dk, heads, dim);
        Matrix fbm = TestData.matrix("fb", fb, 0, channels, rank);
        Matrix wbm = TestData.matrix("wb", wb, 0, heads, dim);
        for (int t = 0; t < count; t++) {
            float[] expectedG = new float[channels];
            for (int c = 0; c < channels; c++) {
                double f = fbm.dotRow(c, low, t * rank) + dtBias[c];
                expectedG[c] = (float) (-Math.exp(aLog[c / dk]) * Activations.softplus(f));
            }
            assertClose("g token " + t, expectedG, 0, g, t * channels, channels, 1e-5, 1e-4);
            float[] expectedBeta = new float[heads];
            for (int h = 0; h < heads; h++) {
                expectedBeta[h] = (float) Activations.sigmoid(wbm.dotRow(h, x, t * dim));
            }
            assertClose("beta token " + t, expectedBeta, 0, beta, t * heads, heads, 1e-6, 1e-5);
        }
        assertAllNaN("g rows beyond count", g, count * channels, capacity * channels);
        assertAllNaN("beta rows beyond count", beta, count * heads, capacity * heads);
    }

    @ParameterizedTest(name = "heads {0} dv {1}")
    @CsvSource({"4, 16", "32, 128"})
    void gatedHeadNormUsesSigmoidGate(int heads, int dv) {
        TestData data = new TestData(device + " " + "gated norm " + heads + "x" + dv);
        int count = 2;
        float[] o = data.uniform(count * heads * dv, 2f);
        float[] gate = data.uniform(count * heads * dv, 4f);
        BFloat16Array w = data.bf16(dv, 1.5f);
        FloatArray y = poisoned(count * heads * dv);
        KernelDevices.launch(device, GatedHeadRmsNorm.class, "apply", dims(heads * 64L, count), dims(64, 1), new KernelContext(),
                FloatArray.fromArray(o), FloatArray.fromArray(gate), w, y, meta(0, count), heads, dv, 1e-5f);
        for (int t = 0; t < count; t++) {
            float[] expected = GatedRmsNorm.apply(java.util.Arrays.copyOfRange(o, t * heads * dv, (t + 1) * heads * dv),
                    java.util.Arrays.copyOfRange(gate, t * heads * dv, (t + 1) * heads * dv), w.toHeapArray(), heads, dv, 1e-5);
            assertClose("gated norm token " + t, expected, 0, y, t * heads * dv, heads * dv, 1e-5, 1e-5);
        }
    }

    /** Random KDA inputs for T tokens, q/k normalised as in the model, decays down to about −20 per step. */
    record KdaInputs(int heads, int dk, int dv, int steps, float[] q, float[] k, float[] v, float[] g, float[] beta) {
        static KdaInputs random(TestData data, int heads, int dk, int dv, int steps, float maxDecay) {
            float[] q = data.uniform(steps * heads * dk, 1f);
            float[] k = data.uniform(steps * heads * dk, 1f);
            for (int t = 0; t < steps; t++) {
                float[] qr = java.util.Arrays.copyOfRange(q, t * heads * dk, (t + 1) * heads * dk);
                float[] kr = java.util.Arrays.copyOfRange(k, t * heads * dk, (t + 1) * heads * dk);
                L2Norm.perHead(qr, heads, dk, 1.0 / Math.sqrt(dk));
                L2Norm.perHead(kr, heads, dk, 1.0);
                System.arraycopy(qr, 0, q, t * heads * dk, heads * dk);
                System.arraycopy(kr, 0, k, t * heads * dk, heads * dk);
            }
            float[] v = data.uniform(steps * heads * dv, 1f);
            float[] g = new float[steps * heads * dk];
            for (int i = 0; i < g.length; i++) {
                float u = data.random.nextFloat();
                g[i] = -maxDecay * u * u * u; // mostly mild, sometimes strong
            }
            float[] beta = new float[steps * heads];
            for (int i = 0; i < beta.length; i++) {
                beta[i] = data.random.nextFloat();
            }
            return new KdaInputs(heads, dk, dv, steps, q, k, v, g, beta);
        }

        /** Reference token recurrence over [from, from+n): outputs [n*H*dv], state updated in place. */
        float[] reference(double[] state, int from, int n) {
            float[] out = new float[n * heads * dv];
            for (int t = from; t < from + n; t++) {
                float[] o = new float[heads * dv];
                KdaRecurrence.step(state, heads, dk, dv, slice(q, t, heads * dk), slice(k, t, heads * dk),
                        slice(v, t, heads * dv), slice(g, t, heads * dk), slice(beta, t, heads), o);
                System.arraycopy(o, 0, out, (t - from) * heads * dv, heads * dv);
            }
            return out;
        }

        static float[] slice(float[] a, int t, int width) {
            return java.util.Arrays.copyOfRange(a, t * width, (t + 1) * width);
        }

        static FloatArray rows(float[] a, int from, int n, int width, int capacity) {
            FloatArray out = new FloatArray(capacity * width);
            for (int i = 0; i < n * width; i++) {
                out.set(i, a[from * width + i]);
            }
            return out;
        }
    }

    @ParameterizedTest(name = "heads {0} dk {1} dv {2} local {3}")
    @CsvSource({"2, 16, 16, 16", "4, 16, 24, 8", "32, 128, 128, 128"})
    void recurrentStepMatchesReferenceRecurrence(int heads, int dk, int dv, int local) {
        TestData data = new TestData(device + " " + "kda recurrent " + heads + "x" + dk + "x" + dv);
        int steps = heads == 32 ? 2 : 9;
        KdaInputs in = KdaInputs.random(data, heads, dk, dv, steps, 20f);
        double[] refState = new double[heads * dk * dv];
        FloatArray state = FloatArray.fromArray(data.uniform(heads * dk * dv, 5f)); // stale: position 0 resets it
        int[][] calls = steps == 2 ? new int[][] {{0, 1}, {1, 1}} : new int[][] {{0, 4}, {4, 1}, {5, 4}};
        for (int[] call : calls) {
            int from = call[0];
            int n = call[1];
            FloatArray out = poisoned(n * heads * dv);
            KernelDevices.launch(device, KdaRecurrentStep.class, "run", dims((long) heads * local), dims(local), new KernelContext(),
                    KdaInputs.rows(in.q, from, n, heads * dk, n), KdaInputs.rows(in.k, from, n, heads * dk, n),
                    KdaInputs.rows(in.v, from, n, heads * dv, n), KdaInputs.rows(in.g, from, n, heads * dk, n),
                    KdaInputs.rows(in.beta, from, n, heads, n), state, out, meta(from, n), heads, dk, dv);
            float[] expected = in.reference(refState, from, n);
            double err = assertClose("kda recurrent tokens " + from + "+" + n, expected, 0, out, 0, n * heads * dv, 1e-5, 1e-4);
            System.out.println("  recurrent " + heads + "x" + dk + "x" + dv + " tokens " + from + "+" + n + ": max |Δ| " + err);
        }
        float[] refStateF = new float[refState.length];
        for (int i = 0; i < refStateF.length; i++) {
            refStateF[i] = (float) refState[i];
        }
        assertClose("kda state", refStateF, 0, state, 0, refStateF.length, 1e-5, 1e-4);
    }

    @ParameterizedTest(name = "heads {0} dk {1} dv {2} local {3} cols {4} raw gates {5}")
    @CsvSource({"2, 16, 16, 64, 16, 0", "4, 16, 24, 32, 16, 1", "3, 20, 12, 16, 4, 0", "3, 20, 12, 8, 2, 1",
            "2, 8, 8, 1, 1, 1", "32, 128, 128, 256, 16, 0", "32, 128, 128, 256, 16, 1"})
    void splitRecurrenceMatchesReferenceAndTheOneGroupPerHeadKernel(int heads, int dk, int dv, int local, int cols,
                                                                    int rawGates) {
        TestData data = new TestData(device + " " + "kda split " + heads + "x" + dk + "x" + dv + " local " + local
                + " raw gates " + rawGates);
        int steps = heads == 32 ? 4 : 40;
        KdaInputs in = KdaInputs.random(data, heads, dk, dv, steps, 20f);
        float[] dtBias = data.uniform(heads * dk, 3f);
        float[] aLog = data.uniform(heads, 2f);
        aLog[0] = 2.8f; // A ≈ 16: strong decays
        float[] gArg = in.g;
        float[] betaArg = in.beta;
        if (rawGates == 1) { // the kernel gets raw projections; the reference gets their epilogues (KdaForgetGate, KdaBeta)
            gArg = data.uniform(steps * heads * dk, 4f);
            betaArg = data.uniform(steps * heads, 4f);
            float[] g = new float[gArg.length];
            float[] beta = new float[betaArg.length];
            for (int i = 0; i < g.length; i++) {
                int ch = i % (heads * dk);
                g[i] = (float) (-Math.exp(aLog[ch / dk]) * Activations.softplus(gArg[i] + dtBias[ch]));
            }
            for (int i = 0; i < beta.length; i++) {
                beta[i] = (float) Activations.sigmoid(betaArg[i]);
            }
            in = new KdaInputs(heads, dk, dv, steps, in.q, in.k, in.v, g, beta);
        }
        double[] refState = new double[heads * dk * dv];
        float[] stale = data.uniform(heads * dk * dv, 5f); // position 0 must read it as zeros
        FloatArray state = FloatArray.fromArray(stale);
        FloatArray oldState = FloatArray.fromArray(stale.clone());
        int[][] calls = heads == 32 ? new int[][] {{0, 3}, {3, 1}} : new int[][] {{0, 1}, {1, 17}, {18, 1}, {19, 21}};
        int groups = heads * ((dv + cols - 1) / cols);
        for (int[] call : calls) {
            int from = call[0];
            int n = call[1];
            int cap = n + 2; // rows beyond count must stay untouched
            Object[] inputs = {KdaInputs.rows(in.q, from, n, heads * dk, cap), KdaInputs.rows(in.k, from, n, heads * dk, cap),
                    KdaInputs.rows(in.v, from, n, heads * dv, cap), KdaInputs.rows(in.g, from, n, heads * dk, cap),
                    KdaInputs.rows(in.beta, from, n, heads, cap)};
            FloatArray out = poisoned(cap * heads * dv);
            KernelDevices.launch(device, KdaRecurrentSplit.class, "run", dims((long) groups * local), dims(local),
                    new KernelContext(), inputs[0], inputs[1], inputs[2], KdaInputs.rows(gArg, from, n, heads * dk, cap),
                    KdaInputs.rows(betaArg, from, n, heads, cap), FloatArray.fromArray(dtBias), FloatArray.fromArray(aLog),
                    state, out, meta(from, n), heads, dk, dv, cols, rawGates);
            FloatArray oldOut = poisoned(cap * heads * dv);
            int oldLocal = Math.min(local, 16);
            KernelDevices.launch(device, KdaRecurrentStep.class, "run", dims((long) heads * oldLocal), dims(oldLocal),
                    new KernelContext(), inputs[0], inputs[1], inputs[2], inputs[3], inputs[4], oldState, oldOut,
                    meta(from, n), heads, dk, dv);
            float[] expected = in.reference(refState, from, n);
            double err = assertClose("kda split tokens " + from + "+" + n, expected, 0, out, 0, n * heads * dv, 1e-5, 1e-4);
            assertAllNaN("kda split rows beyond count", out, n * heads * dv, cap * heads * dv);
            float[] old = new float[n * heads * dv];
            for (int i = 0; i < old.length; i++) {
                old[i] = oldOut.get(i);
            }
            double vsOld = assertClose("kda split vs KdaRecurrentStep " + from + "+" + n, old, 0, out, 0, old.length, 1e-5, 1e-4);
            System.out.println("  split " + heads + "x" + dk + "x" + dv + " tokens " + from + "+" + n + ": max |Δ| vs reference "
                    + err + ", vs KdaRecurrentStep " + vsOld);
        }
        float[] refStateF = new float[refState.length];
        for (int i = 0; i < refStateF.length; i++) {
            refStateF[i] = (float) refState[i];
        }
        assertClose("kda split state", refStateF, 0, state, 0, refStateF.length, 1e-5, 1e-4);
    }

    @ParameterizedTest(name = "heads {0} dk {1} dv {2} chunks {3} local {4} sub-chunk {5}")
    @CsvSource({"2, 16, 16, '20,32,7', 16, 64", "3, 8, 12, '64,1,30', 32, 64", "2, 128, 128, '64,17', 128, 64",
            "2, 16, 16, '40,7,33', 16, 16", "3, 8, 12, '130,5', 8, 64"})
    void chunkwisePrefillMatchesReferenceRecurrence(int heads, int dk, int dv, String chunks, int local, int cap) {
        TestData data = new TestData(device + " " + "kda chunkwise " + heads + "x" + dk + "x" + dv + " chunks " + chunks
                + " sub-chunk " + cap);
        int[] lens = java.util.Arrays.stream(chunks.split(",")).mapToInt(Integer::parseInt).toArray();
        int total = java.util.Arrays.stream(lens).sum();
        KdaInputs in = KdaInputs.random(data, heads, dk, dv, total, 20f);
        double[] refState = new double[heads * dk * dv];
        FloatArray state = FloatArray.fromArray(data.uniform(heads * dk * dv, 5f)); // stale: position 0 resets it
        FloatArray cum = new FloatArray(heads * cap * dk);
        FloatArray decays = new FloatArray(heads * 2 * cap * dk);
        FloatArray pairs = new FloatArray(heads * 3 * cap * cap);
        FloatArray wm = new FloatArray(heads * cap * dk);
        FloatArray um = new FloatArray(heads * cap * dv);
        int from = 0;
        for (int n : lens) {
            int rows = n + 3; // the execution's capacity C: rows beyond count stay untouched
            FloatArray out = poisoned(rows * heads * dv);
            KernelDevices.launch(device, KdaChunkPrefill.class, "run", dims((long) heads * local), dims(local), new KernelContext(),
                    KdaInputs.rows(in.q, from, n, heads * dk, rows), KdaInputs.rows(in.k, from, n, heads * dk, rows),
                    KdaInputs.rows(in.v, from, n, heads * dv, rows), KdaInputs.rows(in.g, from, n, heads * dk, rows),
                    KdaInputs.rows(in.beta, from, n, heads, rows), state, out, cum, decays, pairs, wm, um,
                    meta(from, n), heads, dk, dv, cap);
            float[] expected = in.reference(refState, from, n);
            double err = assertClose("kda chunk at " + from + " len " + n, expected, 0, out, 0, n * heads * dv, 2e-5, 2e-4);
            System.out.println("  chunkwise " + heads + "x" + dk + "x" + dv + " chunk " + from + "+" + n + ": max |Δ| " + err);
            assertAllNaN("kda chunk rows beyond count", out, n * heads * dv, rows * heads * dv);
            from += n;
        }
        float[] refStateF = new float[refState.length];
        for (int i = 0; i < refStateF.length; i++) {
            refStateF[i] = (float) refState[i];
        }
        assertClose("kda state after chunks", refStateF, 0, state, 0, refStateF.length, 2e-5, 2e-4);
    }

    @Test
    void chunkwiseSurvivesDecaysThatOverflowAFactoredExponent() {
        // −G over a chunk reaches ~64·60 ≫ 88: exp(−G) would overflow fp32 if the pairwise decay were factored
        TestData data = new TestData(device + " " + "kda chunkwise overflow");
        int heads = 1, dk = 16, dv = 16, n = 64, cap = 64;
        KdaInputs in = KdaInputs.random(data, heads, dk, dv, n, 120f);
        double[] refState = new double[heads * dk * dv];
        FloatArray state = new FloatArray(heads * dk * dv);
        FloatArray out = poisoned(cap * heads * dv);
        KernelDevices.launch(device, KdaChunkPrefill.class, "run", dims(16), dims(16), new KernelContext(),
                KdaInputs.rows(in.q, 0, n, dk, cap), KdaInputs.rows(in.k, 0, n, dk, cap), KdaInputs.rows(in.v, 0, n, dv, cap),
                KdaInputs.rows(in.g, 0, n, dk, cap), KdaInputs.rows(in.beta, 0, n, 1, cap), state, out,
                new FloatArray(cap * dk), new FloatArray(2 * cap * dk), new FloatArray(3 * cap * cap),
                new FloatArray(cap * dk), new FloatArray(cap * dv), meta(0, n), heads, dk, dv, cap);
        float[] expected = in.reference(refState, 0, n);
        assertClose("kda chunk strong decay", expected, 0, out, 0, n * dv, 2e-5, 2e-4);
    }
}
