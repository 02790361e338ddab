package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.TornadoDevice;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Acceptance on fixtures/tiny-a through the runtime, on every available device (java, OpenCL/PoCL, and whatever
 * else the registry lists): every prompt's logits at every position within 1e-4 × row max of the transformers
 * reference, greedy generate.ids reproduced exactly, prefill(64)+decode step logits, per-layer hidden states.
 * {@code -Dkimi.devices=java,opencl:0:0} restricts the devices.
 */
class DeviceEngineDevicesTest {
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

    static List<String> devices() {
        String only = System.getProperty("kimi.devices");
        if (only != null && !only.isBlank()) {
            return List.of(only.split(","));
        }
        return TornadoDevice.all().stream().map(TornadoDevice::getId).toList();
    }

    private static DeviceEngine engine(String device, boolean capture, boolean allLogits) {
        DeviceEngine.Options options = DeviceEngine.Options.defaults(device).withMaxContext(256).withPrefillChunk(64) // prompts of 65 and 130 tokens cross chunks
                .withCaptureHidden(capture)
                .withAllLogits(allLogits);
        return new DeviceEngine(fixture.config, fixture.model, options, RuntimeGraphExecutor.on(device));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void tinyAMatchesReferenceOn(String device) {
        try (DeviceEngine engine = engine(device, true, true)) {
            for (int n = 0; n < 5; n++) {
                int[] ids = fixture.ids("prompt." + n + ".ids");
                float[][] expected = fixture.rows("prompt." + n + ".logits");
                engine.reset();
                float[][] actual = engine.prefillLogits(ids);
                double worst = 0;
                for (int t = 0; t < ids.length; t++) {
                    double err = TinyAFixture.relativeRowError(expected[t], actual[t]);
                    worst = Math.max(worst, err);
                    assertTrue(err <= TOLERANCE, device + " prompt " + n + " position " + t + ": max |Δlogit|/row max " + err);
                }
                System.out.printf("tiny-a %s prompt %d (%d tokens): max |Δlogit|/row max %.3g%n", device, n, ids.length, worst);
                if (n == 1) {
                    checkHidden(device, engine.hiddenStates());
                }
            }
        }
        // the generation path: prefill computes the LM head on the last position only
        try (DeviceEngine engine = engine(device, false, false)) {
            for (int n = 0; n < 5; n++) {
                int[] ids = fixture.ids("prompt." + n + ".ids");
                float[][] expected = fixture.rows("prompt." + n + ".logits");
                engine.reset();
                int sampled = engine.prefill(ids);
                float[] last = engine.logits();
                double err = TinyAFixture.relativeRowError(expected[ids.length - 1], last);
                assertTrue(err <= TOLERANCE, device + " prompt " + n + " last-position logits: max |Δlogit|/row max " + err);
                assertEquals(argmax(last), sampled, device + " prompt " + n + ": sampled id is not the logits' argmax");
            }
            int[] expectedIds = fixture.ids("generate.ids");
            int[] prompt = fixture.ids("prompt.3.ids");
            engine.reset();
            int[] generated = Arrays.copyOf(prompt, expectedIds.length);
            int next = engine.prefill(prompt);
            for (int i = prompt.length; i < expectedIds.length; i++) {
                generated[i] = next;
                if (i + 1 < expectedIds.length) {
                    next = engine.decode(next);
                }
            }
            assertArrayEquals(expectedIds, generated, "greedy ids on " + device);
            System.out.printf("tiny-a %s greedy generate.ids: %d tokens identical%n", device, expectedIds.length - prompt.length);

            engine.reset();
            engine.prefill(Arrays.copyOf(prompt, 64));
            engine.decode(prompt[64]);
            double err = TinyAFixture.relativeRowError(fixture.reference.tensor("generate.step_logits").toFloatArray(),
                    engine.logits());
            System.out.printf("tiny-a %s prefill(64)+decode step: max |Δlogit|/row max %.3g%n", device, err);
            assertTrue(err <= TOLERANCE, device + " step logits error " + err);
        }
    }

    private static void checkHidden(String device, float[][][] hidden) {
        var view = fixture.reference.tensor("prompt.1.hidden"); // [layers+1, T, D]
        float[] flat = view.toFloatArray();
        int slots = (int) view.dim(0);
        int steps = (int) view.dim(1);
        int dim = (int) view.dim(2);
        for (int l = 0; l < slots; l++) {
            for (int t = 0; t < steps; t++) {
                float[] exp = Arrays.copyOfRange(flat, (l * steps + t) * dim, (l * steps + t + 1) * dim);
                double err = TinyAFixture.relativeRowError(exp, hidden[l][t]);
                assertTrue(err <= TOLERANCE, device + " hidden slot " + l + " position " + t + ": " + err);
            }
        }
    }

    private static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
