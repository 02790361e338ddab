package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The prefill LM head's row selection: the last valid row copied exactly, a one-token meta at its position. */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class LastRowSelectTest {
    @Parameter
    String device;

    @ParameterizedTest(name = "dim {0} count {1}/{2}")
    @CsvSource({"2304, 37, 64", "64, 1, 16", "100, 16, 16"})
    void copiesTheLastValidRowAndDescribesIt(int dim, int count, int capacity) {
        TestData data = new TestData(device + " last-row " + dim + "x" + count);
        float[] src = data.uniform(capacity * dim, 2f);
        FloatArray dst = poisoned(dim);
        int position = data.random.nextInt(1000);
        int seed = data.random.nextInt(1 << 30);
        IntArray meta = meta(position, count);
        meta.set(KernelLimits.META_SEED, seed);
        meta.set(3, 77);
        IntArray headMeta = IntArray.fromArray(-1, -1, -1, -1);
        KernelDevices.launch(device, LastRowSelect.class, "apply", dims(roundUp(dim, 64)), dims(64),
                new KernelContext(), FloatArray.fromArray(src), dst, meta, headMeta, dim);
        for (int i = 0; i < dim; i++) {
            assertEquals(src[(count - 1) * dim + i], dst.get(i), "element " + i);
        }
        assertEquals(position + count - 1, headMeta.get(KernelLimits.META_POSITION), "head position");
        assertEquals(1, headMeta.get(KernelLimits.META_COUNT), "head count");
        assertEquals(seed, headMeta.get(KernelLimits.META_SEED), "head seed");
        assertEquals(77, headMeta.get(3), "head meta slot 3");
    }

    static long roundUp(long n, long m) {
        return (n + m - 1) / m * m;
    }
}
