package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Acceptance on fixtures/tiny-a through the engine's graphs, run by the JVM test harness (LocalGrid):
 * every prompt's logits at every position within 1e-4 × row max of the transformers reference, greedy
 * generate.ids reproduced exactly, the prefill(64)+decode step logits, and per-layer hidden states.
 */
class DeviceEngineTinyATest {
    static final double TOLERANCE = 1e-4;
    static TinyAFixture fixture;

    @BeforeAll
    static void open() {
        fixture = new TinyAFixture();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    private DeviceEngine engine(boolean capture) {
        DeviceEngine.Options options = DeviceEngine.Options.defaults("local").withMaxContext(256).withCaptureHidden(capture);
        return new DeviceEngine(fixture.config, fixture.model, options, new LocalGraphExecutor());
    }

    @Test
    void everyPromptMatchesReferenceLogits() {
        try (DeviceEngine engine = engine(false)) {
            for (int n = 0; n < 5; n++) {
                int[] ids = fixture.ids("prompt." + n + ".ids");
                float[][] expected = fixture.rows("prompt." + n + ".logits");
                engine.reset();
                float[][] actual = engine.prefillLogits(ids);
                double worst = 0;
                for (int t = 0; t < ids.length; t++) {
                    double err = TinyAFixture.relativeRowError(expected[t], actual[t]);
                    worst = Math.max(worst, err);
                    assertTrue(err <= TOLERANCE, "prompt " + n + " position " + t + ": max |Δlogit| / row max = " + err);
                }
                System.out.printf("tiny-a prompt %d (%d tokens) on %s: max |Δlogit|/row max %.3g%n", n, ids.length,
                        engine.deviceId(), worst);
            }
        }
    }

    @Test
    void greedyGenerationReproducesReferenceIds() {
        int[] expected = fixture.ids("generate.ids");
        int[] prompt = fixture.ids("prompt.3.ids");
        try (DeviceEngine engine = engine(false)) {
            int[] generated = Arrays.copyOf(prompt, expected.length);
            int next = engine.prefill(prompt);
            for (int i = prompt.length; i < expected.length; i++) {
                generated[i] = next;
                if (i + 1 < expected.length) {
                    next = engine.decode(next);
                }
            }
            assertArrayEquals(expected, generated, "greedy ids on " + engine.deviceId());
        }
    }

    @Test
    void decodeStepAfterPrefillMatchesStepLogits() {
        int[] prompt = fixture.ids("prompt.3.ids");
        float[] expected = fixture.reference.tensor("generate.step_logits").toFloatArray();
        try (DeviceEngine engine = engine(false)) {
            engine.prefill(Arrays.copyOf(prompt, 64));
            engine.decode(prompt[64]);
            double err = TinyAFixture.relativeRowError(expected, engine.logits());
            System.out.printf("tiny-a prefill(64)+decode step: max |Δlogit|/row max %.3g%n", err);
            assertTrue(err <= TOLERANCE, "step logits error " + err);
        }
    }

    @Test
    void hiddenStatesPerLayerMatchReference() {
        int[] ids = fixture.ids("prompt.1.ids");
        var view = fixture.reference.tensor("prompt.1.hidden"); // [layers+1, T, D]
        float[] flat = view.toFloatArray();
        int layers = (int) view.dim(0);
        int steps = (int) view.dim(1);
        int dim = (int) view.dim(2);
        try (DeviceEngine engine = engine(true)) {
            engine.prefill(ids);
            float[][][] hidden = engine.hiddenStates();
            for (int l = 0; l < layers; l++) {
                for (int t = 0; t < steps; t++) {
                    float[] exp = Arrays.copyOfRange(flat, (l * steps + t) * dim, (l * steps + t + 1) * dim);
                    double err = TinyAFixture.relativeRowError(exp, hidden[l][t]);
                    assertTrue(err <= TOLERANCE, "hidden after layer slot " + l + " position " + t + ": " + err);
                }
            }
        }
    }
}
