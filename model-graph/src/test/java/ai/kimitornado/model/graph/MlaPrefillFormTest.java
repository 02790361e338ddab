package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.TornadoDevice;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The choice of the MLA prefill form ({@code -Dkimi.mlaPrefill}) and both forms forced on an OpenCL device through
 * the whole tiny-a model against the transformers fixture (the default device tests run whichever auto picks).
 */
class MlaPrefillFormTest {
    /** The real 48B MLA shapes (32 heads, nope 128, rope 64, v 128, latent 512); other fields are irrelevant here. */
    private static final ModelDims REAL = new ModelDims(2304, 163840, 27, 1e-5f, 32, 128, 4, 32, 128, 64, 128, 512,
            9216, 256, 8, 1024, 1, 1, 1, true, 2.446f);

    @Test
    void autoExpandsWhileTheScratchFitsTwoGiB() {
        assertEquals(32L * 1024, MlaPrefillForm.scratchBytes(REAL, 1), "32 KiB per position");
        assertEquals(MlaPrefillForm.EXPANDED, MlaPrefillForm.choose("auto", REAL, 1024, 4352, 256, () -> true));
        assertEquals(MlaPrefillForm.EXPANDED, MlaPrefillForm.choose("auto", REAL, 1024, 65536, 1024, () -> true));
        assertEquals(MlaPrefillForm.ABSORBED, MlaPrefillForm.choose("auto", REAL, 1024, 65537, 256, () -> true));
        assertEquals(MlaPrefillForm.ABSORBED, MlaPrefillForm.choose("auto", REAL, 1024, 4096, 128, () -> true), "small work-groups");
        assertEquals(MlaPrefillForm.ABSORBED, MlaPrefillForm.choose("auto", REAL, 1, 4096, 256, () -> true), "no prefill chunk");
        assertEquals(MlaPrefillForm.ABSORBED, MlaPrefillForm.choose("absorbed", REAL, 1024, 4096, 256, () -> true));
        assertEquals(MlaPrefillForm.EXPANDED, MlaPrefillForm.choose("expanded", REAL, 1024, 131072, 256, () -> true), "forced past the bound");
        assertEquals(MlaPrefillForm.EXPANDED_MMA, MlaPrefillForm.choose("expanded-mma", REAL, 1024, 4096, 256, () -> true));
    }

    @Test
    void expandedFailsWithTheReasonWhereItCannotRun() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MlaPrefillForm.choose("expanded", REAL, 1024, 4096, 64, () -> true));
        assertTrue(e.getMessage().contains("work-groups hold 64"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> MlaPrefillForm.choose("fast", REAL, 1024, 4096, 256, () -> true));
        assertTrue(e.getMessage().contains("kimi.mlaPrefill=fast"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MlaPrefillForm.choose("expanded-mma", REAL, 1024, 4096, 256, () -> false));
        assertTrue(e.getMessage().contains("native bf16 MMA"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"expanded", "absorbed"}) // expanded-mma needs native MMA (PoCL's emulated build: minutes)
    void tinyAMatchesTheFixtureInEitherForm(String form) {
        Optional<String> opencl = TornadoDevice.all().stream().map(TornadoDevice::getId)
                .filter(id -> id.startsWith("opencl:")).findFirst();
        Assumptions.assumeTrue(opencl.isPresent(), "no OpenCL device");
        String before = System.getProperty(MlaPrefillForm.PROPERTY);
        System.setProperty(MlaPrefillForm.PROPERTY, form);
        try (TinyAFixture fixture = new TinyAFixture()) {
            DeviceEngine.Options options = DeviceEngine.Options.defaults(opencl.get()).withMaxContext(256)
                    .withPrefillChunk(64).withAllLogits(true); // prompts of 65 and 130 tokens cross chunks (p0 > 0)
            try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options,
                    RuntimeGraphExecutor.on(opencl.get()))) {
                assertEquals(MlaPrefillForm.valueOf(form.toUpperCase(java.util.Locale.ROOT).replace('-', '_')),
                        engine.mlaPrefillForm());
                for (int n = 0; n < 5; n++) {
                    int[] ids = fixture.ids("prompt." + n + ".ids");
                    float[][] expected = fixture.rows("prompt." + n + ".logits");
                    engine.reset();
                    float[][] actual = engine.prefillLogits(ids);
                    double worst = 0;
                    for (int t = 0; t < ids.length; t++) {
                        worst = Math.max(worst, TinyAFixture.relativeRowError(expected[t], actual[t]));
                    }
                    System.out.printf("tiny-a %s MLA prefill %s prompt %d (%d tokens): max |Δlogit|/row max %.3g%n",
                            opencl.get(), form, n, ids.length, worst);
                    assertTrue(worst <= DeviceEngineDevicesTest.TOLERANCE, form + " prompt " + n + ": " + worst);
                }
            }
        } finally {
            if (before == null) {
                System.clearProperty(MlaPrefillForm.PROPERTY);
            } else {
                System.setProperty(MlaPrefillForm.PROPERTY, before);
            }
        }
    }
}
