package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.config.KimiLinearConfig;
import java.io.IOException;
import java.nio.file.Files;

import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decode graph (capacity 1: fused projections, row GEMVs, MoE row kernels) checked logit by logit against the
 * transformers fixture: prefill the first half of a prompt, then decode the rest one token at a time; the logits
 * after each decoded token must match the fixture's row for that position.
 */
class DecodeStepLogitsTest {
    static TinyAFixture fixture;

    @BeforeAll
    static void open() {
        fixture = new TinyAFixture();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({"hidden_size, 66, l0_qkv_fa_ga", "moe_intermediate_size, 30, experts_down"})
    void decodeGraphRejectsRowsThatAreNotQuads(String key, int value, String kernel) throws IOException {
        String json = Files.readString(TinyAFixture.locate().resolve("config.json"))
                .replaceFirst("\"" + key + "\": \\d+", "\"" + key + "\": " + value);
        KimiLinearConfig config = KimiLinearConfig.parse(json, "tiny-a with " + key + " " + value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceEngine.openRandom(config, 1L, RandomWeightsEngineTest.options("java")).close());
        assertTrue(e.getMessage().contains(kernel) && e.getMessage().contains("multiple of 4"), e.getMessage());
        System.out.println(key + " " + value + ": " + e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ai.kimitornado.model.graph.DeviceEngineDevicesTest#devices")
    void decodedLogitsMatchTheFixture(String device) {
        DeviceEngine.Options options = DeviceEngine.Options.defaults(device).withMaxContext(256);
        try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, RuntimeGraphExecutor.on(device))) {
            for (int n : new int[] {1, 3}) {
                int[] ids = fixture.ids("prompt." + n + ".ids");
                float[][] expected = fixture.rows("prompt." + n + ".logits");
                int half = Math.max(1, ids.length / 2);
                engine.reset();
                engine.prefill(Arrays.copyOf(ids, half));
                double worst = 0;
                for (int t = half; t < ids.length; t++) {
                    engine.decode(ids[t]);
                    double err = TinyAFixture.relativeRowError(expected[t], engine.logits());
                    assertTrue(err <= DeviceEngineDevicesTest.TOLERANCE,
                            device + " prompt " + n + " decoded position " + t + ": max |Δlogit|/row max " + err);
                    worst = Math.max(worst, err);
                }
                System.out.printf("tiny-a %s prompt %d: decoded positions %d..%d, max |Δlogit|/row max %.3g%n",
                        device, n, half, ids.length - 1, worst);
            }
        }
    }
}
