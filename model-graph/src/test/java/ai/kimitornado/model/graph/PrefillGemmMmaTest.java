package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.TornadoDevice;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The prefill GEMM selection ({@link PrefillGemm}) and the whole tiny-a model with the tensor-core kernels forced
 * ({@code -Dkimi.prefillGemm=mma}) on the first OpenCL device (PoCL in CI: the exact MMA emulation): every prompt's
 * logits at every position within 1e-4 × row max of the transformers reference and greedy generate.ids reproduced,
 * with the prefill graph checked to run GemmBf16Mma, MoeGroupedGateUpMma and MoeGroupedDownMma and no SIMT GEMM.
 */
class PrefillGemmMmaTest {
    @Test
    void autoFollowsTheDeviceAndTheSwitchForcesEither() {
        String saved = System.getProperty(PrefillGemm.PROPERTY);
        try {
            System.clearProperty(PrefillGemm.PROPERTY);
            assertEquals(PrefillGemm.MMA, PrefillGemm.choose(true));
            assertEquals(PrefillGemm.SIMT, PrefillGemm.choose(false));
            System.setProperty(PrefillGemm.PROPERTY, "mma");
            assertEquals(PrefillGemm.MMA, PrefillGemm.choose(false));
            System.setProperty(PrefillGemm.PROPERTY, "SIMT");
            assertEquals(PrefillGemm.SIMT, PrefillGemm.choose(true));
            System.setProperty(PrefillGemm.PROPERTY, "tensor");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PrefillGemm.choose(true));
            assertTrue(e.getMessage().contains("tensor") && e.getMessage().contains(PrefillGemm.PROPERTY), e.getMessage());
        } finally {
            restore(saved);
        }
    }

    @Test
    void tinyAWithMmaForcedMatchesReferenceOnOpenCl() {
        Optional<String> device = TornadoDevice.all().stream().map(TornadoDevice::getId)
                .filter(id -> id.startsWith("opencl:")).findFirst();
        Assumptions.assumeTrue(device.isPresent(), "no OpenCL device (PoCL) here");
        String saved = System.getProperty(PrefillGemm.PROPERTY);
        System.setProperty(PrefillGemm.PROPERTY, "mma");
        try (TinyAFixture fixture = new TinyAFixture()) {
            RecordingExecutor executor = new RecordingExecutor(RuntimeGraphExecutor.on(device.get()));
            DeviceEngine.Options options = DeviceEngine.Options.defaults(device.get()).withMaxContext(256)
                    .withPrefillChunk(64).withAllLogits(true); // prompts of 65 and 130 tokens cross chunks
            try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, executor)) {
                Set<String> kernels = executor.kernels("prefill");
                System.out.println("tiny-a prefill GEMM kernels with -D" + PrefillGemm.PROPERTY + "=mma: " + kernels);
                assertTrue(kernels.contains("GemmBf16Mma.gemm") || kernels.contains("GemmBf16Mma.gemmSplitK"), kernels.toString());
                assertFalse(kernels.stream().anyMatch(k -> k.startsWith("GemmBf16Tiled.")),
                        "no SIMT projection GEMM in the prefill graph: " + kernels);
                assertTrue(kernels.contains("MoeGroupedGateUpMma.apply") && kernels.contains("MoeGroupedDownMma.apply")
                        && !kernels.contains("MoeGroupedGateUp.apply"), kernels.toString());
                for (int n = 0; n < 5; n++) {
                    int[] ids = fixture.ids("prompt." + n + ".ids");
                    float[][] expected = fixture.rows("prompt." + n + ".logits");
                    engine.reset();
                    float[][] actual = engine.prefillLogits(ids);
                    double worst = 0;
                    for (int t = 0; t < ids.length; t++) {
                        double err = TinyAFixture.relativeRowError(expected[t], actual[t]);
                        worst = Math.max(worst, err);
                        assertTrue(err <= DeviceEngineDevicesTest.TOLERANCE,
                                "mma prefill prompt " + n + " position " + t + ": max |Δlogit|/row max " + err);
                    }
                    System.out.printf("tiny-a %s mma prompt %d (%d tokens): max |Δlogit|/row max %.3g%n", device.get(), n,
                            ids.length, worst);
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
                assertArrayEquals(expectedIds, generated, "greedy ids with the MMA prefill on " + device.get());
            }
        } finally {
            restore(saved);
        }
    }

    private static void restore(String saved) {
        if (saved == null) {
            System.clearProperty(PrefillGemm.PROPERTY);
        } else {
            System.setProperty(PrefillGemm.PROPERTY, saved);
        }
    }
}
