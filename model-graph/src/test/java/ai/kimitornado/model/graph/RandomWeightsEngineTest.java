package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.TornadoDevice;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DeviceEngine#openRandom}: the tiny-a config with weights generated on the device. Checks that the device
 * buffers hold exactly the host recomputation of {@code RandomFill} (every element of every tensor, host copies
 * poisoned with NaN before the download on devices with their own memory), that prefill + decode give finite,
 * non-degenerate logits, that the same seed gives bit-identical logits and another seed different ones, and that
 * an OpenCL device agrees with the java device (same weights, same forward) within 1e-4 × row max.
 */
class RandomWeightsEngineTest {
    static final long SEED = 20261129L;

    static Stream<String> devices() {
        List<String> out = new ArrayList<>(List.of("java"));
        TornadoDevice.all().stream().map(TornadoDevice::getId).filter(id -> id.startsWith("opencl:")).findFirst()
                .ifPresent(out::add);
        return out.stream();
    }

    static DeviceEngine.Options options(String device) {
        return new DeviceEngine.Options(device, 64, 16, SamplingSpec.GREEDY, false, true);
    }

    static int[] prompt(long seed, int length, int vocab) {
        SplittableRandom r = new SplittableRandom(seed);
        return r.ints(length, 0, vocab).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void randomWeightsRunAndMatchTheHostHash(String device) {
        KimiLinearConfig config = KimiLinearConfig.load(TinyAFixture.locate().resolve("config.json"));
        long promptSeed = System.nanoTime();
        System.out.println("RandomWeightsEngineTest " + device + ": prompt seed " + promptSeed + ", weight seed " + SEED);
        int[] ids = prompt(promptSeed, 21, config.vocabSize()); // 2 chunks of 16 (second partial)
        float[][] first;
        float[][] javaLogits = device.equals("java") ? null : run(KimiLinearConfig.load(TinyAFixture.locate()
                .resolve("config.json")), "java", SEED, ids);
        try (DeviceEngine engine = DeviceEngine.openRandom(config, SEED, options(device))) {
            checkWeights(engine, device);
            first = steps(engine, ids);
        }
        for (float[] row : first) {
            checkFiniteAndSpread(row, device);
        }
        float[][] again = run(config, device, SEED, ids);
        for (int t = 0; t < first.length; t++) {
            assertTrue(Arrays.equals(first[t], again[t]), device + ": same seed, different logits at step " + t);
        }
        float[][] other = run(config, device, SEED + 1, ids);
        assertFalse(Arrays.equals(first[0], other[0]), device + ": seeds " + SEED + " and " + (SEED + 1) + " gave equal logits");
        if (javaLogits != null) {
            double worst = 0;
            for (int t = 0; t < first.length; t++) {
                double err = TinyAFixture.relativeRowError(javaLogits[t], first[t]);
                worst = Math.max(worst, err);
                assertTrue(err <= 1e-4, device + " vs java at step " + t + ": max |Δlogit|/row max " + err);
            }
            System.out.printf("RandomWeightsEngineTest %s vs java: max |Δlogit|/row max %.3g over %d steps%n",
                    device, worst, first.length);
        }
    }

    private static float[][] run(KimiLinearConfig config, String device, long seed, int[] ids) {
        try (DeviceEngine engine = DeviceEngine.openRandom(config, seed, options(device))) {
            return steps(engine, ids);
        }
    }

    /** Prefill logits of every prompt position, then 3 greedy decode steps' logits: [T+3][V]. */
    private static float[][] steps(DeviceEngine engine, int[] ids) {
        List<float[]> rows = new ArrayList<>(Arrays.asList(engine.prefillLogits(ids)));
        int next = argmax(rows.getLast());
        for (int i = 0; i < 3; i++) {
            int sampled = engine.decode(next);
            float[] logits = engine.logits();
            assertEquals(argmax(logits), sampled, engine.deviceId() + ": device argmax differs from host argmax");
            rows.add(logits);
            next = sampled;
        }
        return rows.toArray(float[][]::new);
    }

    /** Every element of every random tensor equals RandomFill recomputed on the host. */
    private static void checkWeights(DeviceEngine engine, String device) {
        List<RandomDeviceWeights.Fill> fills = engine.randomFills();
        assertTrue(fills.size() > 20, "expected the tiny-a tensors, got " + fills.size());
        boolean ownMemory = !device.equals("java"); // the java device computes in the host arrays themselves
        long elements = 0;
        for (RandomDeviceWeights.Fill f : fills) {
            NativeArray a = f.array();
            if (ownMemory) {
                a.segment().fill((byte) 0xFF); // NaN in bf16 and fp32
            }
            engine.download(a);
            for (int i = 0; i < a.getSize(); i++) {
                float got = a instanceof BFloat16Array b ? b.getFloat(i) : ((FloatArray) a).get(i);
                float want = f.expected(i);
                if (Float.floatToRawIntBits(got) != Float.floatToRawIntBits(want)) {
                    throw new AssertionError(device + ": tensor " + f.name() + " element " + i + " is " + got
                            + ", the host hash gives " + want);
                }
            }
            elements += a.getSize();
        }
        checkScale(fills, "layers.0.input_layernorm", 0.9, 1.1);
        checkScale(fills, "layers.1.A_log", 0.0, Math.log(16.0));
        System.out.printf("RandomWeightsEngineTest %s: %d tensors, %d elements equal the host hash%n", device,
                fills.size(), elements);
    }

    private static void checkScale(List<RandomDeviceWeights.Fill> fills, String name, double lo, double hi) {
        RandomDeviceWeights.Fill f = fills.stream().filter(x -> x.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no random tensor " + name));
        for (int i = 0; i < f.array().getSize(); i++) {
            float v = f.expected(i);
            assertTrue(v >= lo && v <= hi, name + "[" + i + "] = " + v + " outside [" + lo + ", " + hi + "]");
        }
    }

    private static void checkFiniteAndSpread(float[] row, String device) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : row) {
            assertTrue(Float.isFinite(v), device + ": non-finite logit " + v);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(max - min > 0.1f, device + ": degenerate logits, range [" + min + ", " + max + "]");
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
