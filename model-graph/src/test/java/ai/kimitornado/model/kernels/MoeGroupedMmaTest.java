package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.MoeGroupedKernelsTest.poisonedInts;
import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.Arrays;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tensor-core grouped MoE GEMMs ({@link MoeGroupedGateUpMma}, {@link MoeGroupedDownMma}; 64-pair tiles) against
 * the SIMT grouped kernels ({@link MoeGroupedGateUp}, {@link MoeGroupedDown}; 32-pair tiles) on the same device and
 * inputs, and the whole grouped block against per-pair reference MLPs: random routing and skewed routing (one expert
 * on every token: full 64-pair tiles plus a partial one, so the skipped m16 tiles are exercised; most experts empty).
 * The padding tokens of a tile point at a spare sink row (PoCL was seen to execute a few guarded stores of them).
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MoeGroupedMmaTest {
    @Parameter
    String device;

    @ParameterizedTest(name = "D {0} E {1} top {2} I {3} C {4} count {5} skewed {6}")
    @CsvSource({"64, 8, 2, 32, 48, 45, false", "300, 8, 2, 160, 40, 39, false", "64, 16, 3, 32, 80, 77, true",
            "48, 4, 1, 132, 20, 17, true"})
    void mmaMatchesSimtAndReference(int dim, int experts, int topK, int inter, int capacity, int count, boolean skewed) {
        TestData data = new TestData(device + " grouped moe mma " + dim + "/" + experts + "x" + inter + " C " + capacity
                + (skewed ? " skewed" : ""));
        int slots = topK + 1;
        int packed = experts + 1;
        MoeGroupedKernelsTest.Experts ex = MoeGroupedKernelsTest.Experts.random(data, packed, inter, dim);
        int hot = data.random.nextInt(experts);
        int[] idHost = new int[capacity * slots];
        for (int t = 0; t < capacity; t++) {
            for (int s = 0; s < topK; s++) {
                idHost[t * slots + s] = skewed
                        ? (s == 0 ? hot : (hot + 1 + data.random.nextInt(Math.min(3, experts - 1))) % experts)
                        : (t * 7 + s * 3 + data.random.nextInt(experts)) % experts;
            }
            idHost[t * slots + topK] = experts; // the shared expert: every token's last slot
        }
        float[] x = data.uniform(capacity * dim, 1f);
        FloatArray xa = FloatArray.fromArray(x);
        IntArray ids = IntArray.fromArray(idHost);
        IntArray meta = meta(0, count);

        Grouped simt = group(ids, meta, capacity, slots, packed, MoeExpertGroups.TILE_TOKENS);
        FloatArray simtAct = poisoned(capacity * slots * inter);
        FloatArray simtOut = poisoned(capacity * slots * dim);
        int threads = MoeExpertGroups.GEMM_THREADS;
        KernelDevices.launch(device, MoeGroupedGateUp.class, "apply",
                dims(ceilDiv(inter, MoeGroupedGateUp.GATE_UP_ROWS) * threads, simt.maxTiles), dims(threads, 1),
                new KernelContext(), ex.w1(), ex.w3(), xa, simt.pairs, simt.tiles, simtAct, meta, slots, inter, dim);
        KernelDevices.launch(device, MoeGroupedDown.class, "apply",
                dims(ceilDiv(dim, MoeGroupedDown.DOWN_ROWS) * threads, simt.maxTiles), dims(threads, 1),
                new KernelContext(), ex.w2(), simtAct, simt.pairs, simt.tiles, simtOut, meta, inter, dim);

        Grouped mma = group(ids, meta, capacity, slots, packed, MoeGroupedGateUpMma.TILE_TOKENS);
        int sink = capacity * slots; // the spare row the padding tokens point at
        FloatArray act = poisoned((sink + 1) * inter);
        FloatArray out = poisoned((sink + 1) * dim);
        KernelDevices.launch(device, MoeGroupedGateUpMma.class, "apply",
                dims(ceilDiv(inter, MoeGroupedGateUpMma.GATE_UP_ROWS) * MoeGroupedGateUpMma.THREADS, mma.maxTiles),
                dims(MoeGroupedGateUpMma.THREADS, 1), new KernelContext(), ex.w1(), ex.w3(), xa, mma.pairs, mma.tiles,
                act, meta, slots, inter, dim, sink);
        // the down GEMM reads the SIMT act, so its own comparison is not blurred by the gate/up differences
        KernelDevices.launch(device, MoeGroupedDownMma.class, "apply",
                dims(ceilDiv(dim, MoeGroupedDownMma.DOWN_ROWS) * MoeGroupedDownMma.THREADS, mma.maxTiles),
                dims(MoeGroupedDownMma.THREADS, 1), new KernelContext(), ex.w2(), simtAct, mma.pairs, mma.tiles, out, meta,
                inter, dim, sink);
        int valid = count * slots;
        double actErr = assertClose("gate/up mma vs SIMT", simtAct.toHeapArray(), 0, act, 0, valid * inter, 1e-4, 1e-4);
        double outErr = assertClose("down mma vs SIMT", simtOut.toHeapArray(), 0, out, 0, valid * dim, 1e-4, 1e-4);
        TestData.assertAllNaN("gate/up mma: pairs past count", act, valid * inter, sink * inter);
        TestData.assertAllNaN("down mma: pairs past count", out, valid * dim, sink * dim);

        // the MMA chain end to end (its own act into its own down) against the per-pair reference MLPs
        FloatArray out2 = poisoned((sink + 1) * dim);
        KernelDevices.launch(device, MoeGroupedDownMma.class, "apply",
                dims(ceilDiv(dim, MoeGroupedDownMma.DOWN_ROWS) * MoeGroupedDownMma.THREADS, mma.maxTiles),
                dims(MoeGroupedDownMma.THREADS, 1), new KernelContext(), ex.w2(), act, mma.pairs, mma.tiles, out2, meta,
                inter, dim, sink);
        double worst = 0;
        for (int p = 0; p < valid; p++) {
            int t = p / slots;
            float[] expected = ex.mlps().get(idHost[p]).forward(Arrays.copyOfRange(x, t * dim, (t + 1) * dim));
            worst = Math.max(worst, assertClose("mma chain pair " + p, expected, 0, out2, p * dim, dim, 1e-4, 1e-4));
        }
        System.out.printf("  grouped moe mma: act vs SIMT %.3g, down vs SIMT %.3g, chain vs reference MLPs %.3g"
                + " (%d tiles of ≤64 vs %d of ≤32)%n", actErr, outErr, worst, mma.tiles.get(0), simt.tiles.get(0));
        if (skewed) {
            assertTrue(mma.tiles.get(0) <= simt.tiles.get(0), "64-pair tiles: no more tiles than 32-pair ones");
        }
    }

    record Grouped(IntArray pairs, IntArray tiles, int maxTiles) {
    }

    private Grouped group(IntArray ids, IntArray meta, int capacity, int slots, int packed, int tileTokens) {
        int maxTiles = MoeExpertGroups.maxTiles(capacity * slots, packed, tileTokens);
        IntArray counts = poisonedInts(packed);
        IntArray offsets = poisonedInts(packed + 1);
        IntArray pairs = poisonedInts(capacity * slots);
        IntArray tiles = poisonedInts(1 + 3 * maxTiles);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "count", dims(packed * 256L), dims(256),
                new KernelContext(), ids, counts, meta, slots, packed);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "layout", dims(256), dims(256), new KernelContext(),
                counts, offsets, tiles, packed, tileTokens);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "scatter", dims(packed * 256L), dims(256),
                new KernelContext(), ids, offsets, pairs, meta, slots, packed);
        assertEquals(count(meta) * slots, offsets.get(packed), "grouping covers every valid pair");
        return new Grouped(pairs, tiles, maxTiles);
    }

    private static int count(IntArray meta) {
        return meta.get(KernelLimits.META_COUNT);
    }

    static long ceilDiv(long n, long m) {
        return (n + m - 1) / m;
    }
}
