package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Engine behaviour beyond the reference comparison: memory check, input validation, seeded top-p sampling. */
class DeviceEngineOptionsTest {
    static TinyAFixture fixture;

    @BeforeAll
    static void open() {
        fixture = new TinyAFixture();
    }

    @AfterAll
    static void close() {
        fixture.close();
    }

    /** An executor that only reports a device size; running anything on it is an error. */
    record TinyDevice(long bytes) implements GraphExecutor {
        public void prepare(List<ForwardGraph> graphs) { }
        public void execute(ForwardGraph graph) { throw new AssertionError("must not run"); }
        public void download(NativeArray... arrays) { }
        public String deviceId() { return "tiny-device"; }
        public int maxWorkGroupSize() { return 64; }
        public long deviceMemoryBytes() { return bytes; }
        public void close() { }
    }

    @Test
    void refusesADeviceTooSmallForTheModelWithTheNumbers() {
        DeviceEngine.Options options = DeviceEngine.Options.defaults("tiny-device").withMaxContext(256);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new DeviceEngine(fixture.config, fixture.model, options, new TinyDevice(1 << 20)));
        assertTrue(e.getMessage().contains("tiny-device") && e.getMessage().contains("GiB"), e.getMessage());
    }

    @Test
    void rejectsTokenIdsOutsideTheVocabularyAndContextOverflow() {
        DeviceEngine.Options options = DeviceEngine.Options.defaults("java").withMaxContext(8);
        try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, RuntimeGraphExecutor.on("java"))) {
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> engine.prefill(new int[] {1, 512}));
            assertTrue(bad.getMessage().contains("512"), bad.getMessage());
            assertThrows(IllegalStateException.class, () -> engine.prefill(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        }
    }

    @Test
    void seededTopPSamplingIsReproducibleAndFollowsTheSeed() {
        int[] prompt = fixture.ids("prompt.1.ids");
        DeviceEngine.Options options = DeviceEngine.Options.defaults("java").withMaxContext(64)
                .withSampling(new SamplingSpec(1.5f, 0.95f, 1234));
        try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, RuntimeGraphExecutor.on("java"))) {
            int[] first = generate(engine, prompt, 1234);
            int[] again = generate(engine, prompt, 1234);
            assertArrayEquals(first, again, "same seed, same tokens");
            boolean differs = false;
            for (int seed = 1; seed <= 4 && !differs; seed++) {
                differs = !Arrays.equals(first, generate(engine, prompt, seed));
            }
            assertTrue(differs, "four other seeds all reproduced the same 8 tokens at temperature 1.5");
            for (int id : first) {
                assertTrue(id >= 0 && id < 512, "sampled id " + id);
            }
        }
    }

    private static int[] generate(DeviceEngine engine, int[] prompt, int seed) {
        engine.reset();
        engine.setSeed(seed);
        int[] out = new int[8];
        int next = engine.prefill(prompt);
        for (int i = 0; i < out.length; i++) {
            out[i] = next;
            next = engine.decode(next);
        }
        assertEquals(prompt.length + out.length, engine.position());
        assertFalse(out.length == 0);
        return out;
    }
}
