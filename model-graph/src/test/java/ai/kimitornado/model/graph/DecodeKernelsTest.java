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
 * The decode kernel choice ({@link DecodeKernels}): auto follows hardware shuffles, the switch forces either, and on
 * the first OpenCL device (PoCL in CI: emulated shuffles, so auto picks the row kernels) the whole tiny-a model runs
 * both ways — the warp kernels forced and auto — reproducing the transformers greedy ids, with the decode graph
 * checked to hold the kernels the choice names.
 */
class DecodeKernelsTest {
    @Test
    void autoFollowsTheDeviceAndTheSwitchForcesEither() {
        String saved = System.getProperty(DecodeKernels.PROPERTY);
        try {
            System.clearProperty(DecodeKernels.PROPERTY);
            assertEquals(DecodeKernels.WARP, DecodeKernels.choose(true));
            assertEquals(DecodeKernels.ROWS, DecodeKernels.choose(false));
            System.setProperty(DecodeKernels.PROPERTY, "true");
            assertEquals(DecodeKernels.WARP, DecodeKernels.choose(false));
            System.setProperty(DecodeKernels.PROPERTY, "FALSE");
            assertEquals(DecodeKernels.ROWS, DecodeKernels.choose(true));
            System.setProperty(DecodeKernels.PROPERTY, "fast");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DecodeKernels.choose(true));
            assertTrue(e.getMessage().contains("fast") && e.getMessage().contains(DecodeKernels.PROPERTY), e.getMessage());
        } finally {
            restore(saved);
        }
    }

    @Test
    void tinyAGreedyIdsWithWarpAndRowDecodeKernelsOnOpenCl() {
        Optional<String> device = TornadoDevice.all().stream().map(TornadoDevice::getId)
                .filter(id -> id.startsWith("opencl:")).findFirst();
        Assumptions.assumeTrue(device.isPresent(), "no OpenCL device (PoCL) here");
        boolean nativeShuffles = TornadoDevice.of(device.get()).info().nativeWarpShuffles();
        String saved = System.getProperty(DecodeKernels.PROPERTY);
        try (TinyAFixture fixture = new TinyAFixture()) {
            for (String choice : new String[] {"true", "auto"}) {
                System.setProperty(DecodeKernels.PROPERTY, choice);
                boolean warp = choice.equals("true") || nativeShuffles;
                RecordingExecutor executor = new RecordingExecutor(RuntimeGraphExecutor.on(device.get()));
                DeviceEngine.Options options = DeviceEngine.Options.defaults(device.get()).withMaxContext(256);
                try (DeviceEngine engine = new DeviceEngine(fixture.config, fixture.model, options, executor)) {
                    Set<String> kernels = executor.kernels("decode");
                    System.out.println("tiny-a decode kernels on " + device.get() + " with -D" + DecodeKernels.PROPERTY
                            + "=" + choice + ": " + kernels);
                    assertEquals(warp, kernels.contains("MatVecBf16Warp.matVec"), kernels.toString());
                    assertEquals(warp, kernels.contains("RmsNormRowsWarp.apply"), kernels.toString());
                    assertFalse(warp && kernels.contains("RmsNormRows.apply"), kernels.toString());
                    int[] expectedIds = fixture.ids("generate.ids");
                    int[] prompt = fixture.ids("prompt.3.ids");
                    int[] generated = Arrays.copyOf(prompt, expectedIds.length);
                    int next = engine.prefill(prompt);
                    for (int i = prompt.length; i < expectedIds.length; i++) {
                        generated[i] = next;
                        if (i + 1 < expectedIds.length) {
                            next = engine.decode(next);
                        }
                    }
                    assertArrayEquals(expectedIds, generated, "greedy ids with " + (warp ? "warp" : "row")
                            + " decode kernels on " + device.get());
                }
            }
        } finally {
            restore(saved);
        }
    }

    private static void restore(String saved) {
        if (saved == null) {
            System.clearProperty(DecodeKernels.PROPERTY);
        } else {
            System.setProperty(DecodeKernels.PROPERTY, saved);
        }
    }
}
