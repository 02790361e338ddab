package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/** Device sampling: argmax, and temperature + top-p checked against the nucleus and the CDF computed in double. */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class SamplingKernelsTest {
    @Parameter
    String device;


    @ParameterizedTest(name = "vocab {0}")
    @CsvSource({"512", "163840"})
    void argmaxPicksTheLargestLogitOfTheLastValidRow(int vocab) {
        TestData data = new TestData(device + " " + "argmax " + vocab);
        int capacity = 3;
        int count = 2;
        float[] logits = data.uniform(capacity * vocab, 10f);
        int expected = data.random.nextInt(vocab);
        logits[(count - 1) * vocab + expected] = 11f;
        logits[(count - 1) * vocab + (expected + 1) % vocab] = 11f; // a tie: the lower id wins
        logits[2 * vocab + 5] = 50f; // beyond count: ignored
        IntArray out = IntArray.fromArray(-7);
        KernelDevices.launch(device, SampleArgmax.class, "apply", dims(256), dims(256), new KernelContext(),
                FloatArray.fromArray(logits), out, meta(0, count), vocab);
        assertEquals(Math.min(expected, (expected + 1) % vocab), out.get(0));
    }

    @ParameterizedTest(name = "vocab {0}, {1} groups")
    @CsvSource({"512, 1", "163840, 64", "163840, 7", "1000, 300"})
    void splitArgmaxMatchesTheSingleGroupKernel(int vocab, int groups) {
        TestData data = new TestData(device + " split argmax " + vocab + " " + groups);
        int capacity = 3;
        int count = 1 + data.random.nextInt(capacity);
        float[] logits = data.uniform(capacity * vocab, 10f);
        int top = data.random.nextInt(vocab);
        logits[(count - 1) * vocab + top] = 12f;
        logits[(count - 1) * vocab + data.random.nextInt(vocab)] = 12f; // possibly a tie: the lower id must win
        if (count < capacity) {
            logits[count * vocab + 3] = 99f; // beyond count: ignored
        }
        int local = 256;
        FloatArray in = FloatArray.fromArray(logits);
        IntArray expected = IntArray.fromArray(-7);
        KernelDevices.launch(device, SampleArgmax.class, "apply", dims(local), dims(local), new KernelContext(), in, expected,
                meta(0, count), vocab);
        FloatArray bestValue = new FloatArray(groups);
        bestValue.init(Float.NaN);
        IntArray bestId = new IntArray(groups);
        bestId.init(-9);
        IntArray out = IntArray.fromArray(-7);
        KernelDevices.launch(device, SampleArgmaxSplit.class, "partial", dims((long) groups * local), dims(local),
                new KernelContext(), in, bestValue, bestId, meta(0, count), vocab);
        KernelDevices.launch(device, SampleArgmaxSplit.class, "finish", dims(local), dims(local), new KernelContext(),
                bestValue, bestId, out, groups);
        assertTrue(expected.get(0) >= 0, "reference kernel ran");
        assertEquals(expected.get(0), out.get(0), "split argmax vs SampleArgmax, vocab " + vocab + ", count " + count);
    }

    @ParameterizedTest(name = "vocab {0} temperature {1} top-p {2}")
    @CsvSource({"1000, 0.7, 0.9", "512, 1.0, 0.5", "5000, 1.3, 0.95", "1000, 1.0, 0.000001"})
    void topPSamplesInsideTheNucleusAtTheSeededQuantile(int vocab, float temperature, float topP) {
        TestData data = new TestData(device + " " + "top-p " + vocab);
        for (int trial = 0; trial < 2; trial++) {
            float[] logits = data.uniform(vocab, 6f);
            int seed = data.random.nextInt();
            int position = data.random.nextInt(1000);
            IntArray meta = meta(position, 1);
            meta.set(KernelLimits.META_SEED, seed);
            IntArray out = IntArray.fromArray(-7);
            KernelDevices.launch(device, SampleTopP.class, "apply", dims(128), dims(128), new KernelContext(),
                    FloatArray.fromArray(logits), out, meta, vocab, 1f / temperature, topP);
            int id = out.get(0);
            // nucleus in double: most likely first until the mass reaches topP
            double max = IntStream.range(0, vocab).mapToDouble(v -> logits[v]).max().orElseThrow();
            double[] p = IntStream.range(0, vocab).mapToDouble(v -> Math.exp((logits[v] - max) / temperature)).toArray();
            double z = Arrays.stream(p).sum();
            Integer[] order = IntStream.range(0, vocab).boxed().sorted(Comparator.comparingDouble(v -> -p[v]))
                    .toArray(Integer[]::new);
            boolean[] kept = new boolean[vocab];
            double mass = 0;
            for (Integer v : order) {
                kept[v] = true;
                mass += p[v];
                if (mass >= topP * z) {
                    break;
                }
            }
            assertTrue(id >= 0 && kept[id], "sampled id " + id + " is outside the nucleus (trial " + trial + ")");
            double keptMass = IntStream.range(0, vocab).filter(v -> kept[v]).mapToDouble(v -> p[v]).sum();
            double goal = SampleTopP.uniform(seed, position) * keptMass;
            double before = IntStream.range(0, id).filter(v -> kept[v]).mapToDouble(v -> p[v]).sum();
            double tol = 1e-4 * keptMass;
            assertTrue(goal >= before - tol && goal <= before + p[id] + tol,
                    "id " + id + " covers CDF [" + before + ", " + (before + p[id]) + ") but the seeded quantile is " + goal);
        }
    }
}
