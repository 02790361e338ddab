package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.model.sampling.GreedySampler;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reference forward against the independent transformers 5.17 outputs in fixtures/tiny-a (float64 run on
 * bf16 weights). Bound for every row: max |ours − ref| ≤ 1e-4 · max |ref| of that row.
 */
class TinyAFixtureTest {
    private static final double BOUND = 1e-4;
    private static ReferenceModel model;
    private static SafeTensors reference;

    @BeforeAll
    static void load() {
        Path dir = Fixtures.dir("tiny-a");
        model = ReferenceModel.load(dir);
        reference = SafeTensors.open(dir.resolve("reference.safetensors"));
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    private static int[] ids(String name) {
        return reference.tensor(name).toIntArray();
    }

    /** Rows [R][C] of a reference tensor whose last axis is C. */
    private static float[][] rows(String name, int cols) {
        float[] flat = reference.tensor(name).toFloatArray();
        float[][] out = new float[flat.length / cols][];
        for (int r = 0; r < out.length; r++) {
            out[r] = Arrays.copyOfRange(flat, r * cols, (r + 1) * cols);
        }
        return out;
    }

    /** max over rows of max|a − ref| / max|ref| of the row. */
    static double worstRowError(float[][] actual, float[][] expected) {
        assertEquals(expected.length, actual.length, "row count");
        double worst = 0;
        for (int r = 0; r < expected.length; r++) {
            worst = Math.max(worst, rowError(actual[r], expected[r]));
        }
        return worst;
    }

    static double rowError(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length, "row length");
        double maxDiff = 0;
        double maxRef = 0;
        for (int c = 0; c < expected.length; c++) {
            if (!Float.isFinite(actual[c])) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, Math.abs((double) actual[c] - expected[c]));
            maxRef = Math.max(maxRef, Math.abs(expected[c]));
        }
        return maxDiff / maxRef;
    }

    @ParameterizedTest
    @EnumSource(KdaPrefillMode.class)
    void logitsOfEveryPromptAndPosition(KdaPrefillMode mode) {
        int vocab = model.config().vocabSize();
        for (int n = 0; n < 5; n++) {
            int[] ids = ids("prompt." + n + ".ids");
            float[][] expected = rows("prompt." + n + ".logits", vocab);
            float[][] actual = model.newSession(ReferenceOptions.defaults().withKdaPrefill(mode)).prefillAll(ids);
            double err = worstRowError(actual, expected);
            System.out.printf("tiny-a prompt.%d (T=%d, KDA %s): worst row max|logit - ref| / max|ref| = %.3e%n",
                    n, ids.length, mode, err);
            assertTrue(err <= BOUND, "prompt." + n + " error " + err);
        }
    }

    @Test
    void mappedViewsComputeExactlyWhatWidenedCopiesCompute() {
        int[] ids = ids("prompt.4.ids");
        float[][] widened = model.forward(ids);
        try (ReferenceModel mapped = ReferenceModel.open(Fixtures.dir("tiny-a"))) {
            float[][] viewed = mapped.forward(ids);
            for (int t = 0; t < ids.length; t++) {
                assertArrayEquals(widened[t], viewed[t], 0f, "position " + t);
            }
        }
    }

    /** Rows 0..3: embedding and after layers 0..2; row 4: after layer 3 and the final norm (transformers). */
    @Test
    void hiddenStatesOfPrompt1PerLayer() {
        int hidden = model.config().hiddenSize();
        int layers = model.config().numHiddenLayers();
        int[] ids = ids("prompt.1.ids");
        float[][] expected = rows("prompt.1.hidden", hidden); // [(layers+1)*T][D]
        ReferenceModel.ForwardResult result = model.forwardWithHiddenStates(ids);
        assertEquals(layers + 1, result.hiddenStates().length);
        for (int row = 0; row <= layers; row++) {
            float[][] want = Arrays.copyOfRange(expected, row * ids.length, (row + 1) * ids.length);
            float[][] ours = result.hiddenStates()[row];
            if (row == layers) {
                // transformers' output_hidden_states ends with the state after the final model.norm
                ours = Arrays.stream(ours).map(model::finalNorm).toArray(float[][]::new);
            }
            double err = worstRowError(ours, want);
            System.out.printf("tiny-a prompt.1 hidden state %s: worst row rel err %.3e%n",
                    row == 0 ? "after embedding" : "after layer " + (row - 1) + (row == layers ? " + model.norm" : ""),
                    err);
            assertTrue(err <= BOUND, "hidden row " + row + " error " + err);
        }
    }

    @Test
    void greedyCachedDecodingReproducesGenerateIds() {
        int[] expected = ids("generate.ids");
        int[] prompt = ids("prompt.3.ids");
        assertArrayEquals(prompt, Arrays.copyOf(expected, prompt.length), "generate.ids starts with prompt 3");
        ReferenceSession session = model.newSession();
        int[] generated = Arrays.copyOf(prompt, expected.length);
        float[] logits = session.prefill(prompt);
        for (int i = prompt.length; i < expected.length; i++) {
            generated[i] = GreedySampler.argmax(logits);
            if (i + 1 < expected.length) {
                logits = session.decode(generated[i]);
            }
        }
        System.out.println("tiny-a greedy generation: " + Arrays.toString(Arrays.copyOfRange(generated, prompt.length,
                generated.length)));
        assertArrayEquals(expected, generated);
    }

    @ParameterizedTest
    @EnumSource(MlaForm.class)
    void stepLogitsOfPrefill64ThenOneDecode(MlaForm decodeForm) {
        int[] prompt = ids("prompt.3.ids");
        float[] expected = reference.tensor("generate.step_logits").toFloatArray();
        ReferenceSession session = model.newSession(ReferenceOptions.defaults().withMlaForms(MlaForm.EXPANDED, decodeForm));
        session.prefill(Arrays.copyOf(prompt, 64));
        float[] actual = session.decode(prompt[64]);
        double err = rowError(actual, expected);
        System.out.printf("tiny-a generate.step_logits (prefill 64 + decode 1, MLA decode %s): rel err %.3e%n",
                decodeForm, err);
        assertTrue(err <= BOUND, "step logits error " + err);
    }
}
