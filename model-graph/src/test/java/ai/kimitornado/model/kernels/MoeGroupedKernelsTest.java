package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.model.reference.MoeBlock;
import ai.kimitornado.model.reference.MoeRouter;
import ai.kimitornado.model.reference.SwiGluMlp;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prefill MoE grouped by expert (MoeExpertGroups → MoeGroupedGateUp → MoeGroupedDown → MoeCombineSlots) against
 * the reference MoeBlock (router included), against per-pair reference MLPs under skewed routing (one expert taking
 * most tokens, experts with none), and the grouping itself against a host computation; partial chunks throughout.
 */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MoeGroupedKernelsTest {
    @Parameter
    String device;

    /** Packed experts (shared last) and their reference MLPs. */
    record Experts(BFloat16Array w1, BFloat16Array w3, BFloat16Array w2, List<SwiGluMlp> mlps) {
        static Experts random(TestData data, int packed, int inter, int dim) {
            BFloat16Array w1 = data.bf16(packed * inter * dim, 0.3f);
            BFloat16Array w3 = data.bf16(packed * inter * dim, 0.3f);
            BFloat16Array w2 = data.bf16(packed * dim * inter, 0.3f);
            List<SwiGluMlp> mlps = new ArrayList<>();
            for (int e = 0; e < packed; e++) {
                mlps.add(new SwiGluMlp(TestData.matrix("w1." + e, w1, e * inter * dim, inter, dim),
                        TestData.matrix("w3." + e, w3, e * inter * dim, inter, dim),
                        TestData.matrix("w2." + e, w2, e * dim * inter, dim, inter)));
            }
            return new Experts(w1, w3, w2, mlps);
        }
    }

    @ParameterizedTest(name = "D {0} E {1} top {2} I {3} C {4} count {5}")
    @CsvSource({"64, 8, 2, 32, 48, 45", "80, 16, 4, 48, 40, 37", "300, 8, 2, 160, 40, 39", "72, 32, 8, 96, 24, 24", "64, 256, 8, 64, 8, 5"})
    void groupedMoeMatchesReferenceBlock(int dim, int experts, int topK, int inter, int capacity, int count) {
        TestData data = new TestData(device + " grouped moe " + dim + "/" + experts + "x" + inter + " C " + capacity);
        int slots = topK + 1;
        BFloat16Array gate = data.bf16(experts * dim, 0.5f);
        FloatArray bias = FloatArray.fromArray(data.uniform(experts, 0.05f));
        Experts ex = Experts.random(data, experts + 1, inter, dim);
        float scaling = 2.446f;
        MoeRouter router = new MoeRouter(TestData.matrix("gate", gate, 0, experts, dim), bias.toHeapArray(), topK,
                true, scaling, "sigmoid", true, 1, 1);
        MoeBlock block = new MoeBlock(router, ex.mlps().subList(0, experts), ex.mlps().get(experts));

        float[] x = data.uniform(capacity * dim, 1f);
        float[] residual = data.uniform(capacity * dim, 1f);
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray h = FloatArray.fromArray(residual);
        FloatArray logits = poisoned(capacity * experts);
        IntArray ids = new IntArray(capacity * slots);
        FloatArray weights = poisoned(capacity * slots);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(experts * 64L, capacity), dims(64, 1),
                new KernelContext(), gate, 0, xa, logits, meta, experts, dim, 0);
        int routerLocal = TestData.pow2AtMost(experts, 256);
        KernelDevices.launch(device, MoeRouterTopK.class, "apply", dims((long) capacity * routerLocal), dims(routerLocal),
                new KernelContext(), logits, bias, ids, weights, meta, experts, topK, 1, 1, 1, scaling, 1);
        runGrouped(ex, xa, ids, weights, h, meta, capacity, slots, experts + 1, inter, dim);
        for (int t = 0; t < count; t++) {
            float[] xr = Arrays.copyOfRange(x, t * dim, (t + 1) * dim);
            float[] expected = block.forward(xr);
            for (int d = 0; d < dim; d++) {
                expected[d] += residual[t * dim + d];
            }
            double err = assertClose("grouped moe token " + t, expected, 0, h, t * dim, dim, 1e-4, 1e-4);
            if (t == 0 || t == count - 1) {
                System.out.println("  grouped moe token " + t + ": max |Δ| " + err);
            }
        }
        for (int i = count * dim; i < capacity * dim; i++) {
            assertEquals(residual[i], h.get(i), "row past count " + count + " must stay untouched (element " + i + ")");
        }
    }

    /**
     * Routing written by hand: slot 0 of every token is expert {@code hot} (many tiles of one expert), the other
     * routed slots draw from only 3 experts (most experts get no token), the last slot is the shared expert.
     */
    @ParameterizedTest(name = "D {0} E {1} top {2} I {3} C {4} count {5}")
    @CsvSource({"64, 16, 3, 32, 80, 77", "48, 8, 2, 80, 40, 33"})
    void skewedRoutingMatchesPerPairReference(int dim, int experts, int topK, int inter, int capacity, int count) {
        TestData data = new TestData(device + " skewed grouped moe " + dim + "/" + experts + "x" + inter);
        int slots = topK + 1;
        Experts ex = Experts.random(data, experts + 1, inter, dim);
        int hot = data.random.nextInt(experts);
        int[] idHost = new int[capacity * slots];
        float[] wHost = data.uniform(capacity * slots, 1f);
        for (int t = 0; t < capacity; t++) {
            idHost[t * slots] = hot;
            for (int s = 1; s < topK; s++) {
                idHost[t * slots + s] = (hot + 1 + data.random.nextInt(3)) % experts;
            }
            idHost[t * slots + topK] = experts;
            wHost[t * slots + topK] = 1f;
        }
        float[] x = data.uniform(capacity * dim, 1f);
        float[] residual = data.uniform(capacity * dim, 1f);
        FloatArray h = FloatArray.fromArray(residual);
        runGrouped(ex, FloatArray.fromArray(x), IntArray.fromArray(idHost), FloatArray.fromArray(wHost), h,
                meta(0, count), capacity, slots, experts + 1, inter, dim);
        double worst = 0;
        for (int t = 0; t < count; t++) {
            float[] xr = Arrays.copyOfRange(x, t * dim, (t + 1) * dim);
            double[] acc = new double[dim];
            for (int s = 0; s < slots; s++) {
                float[] y = ex.mlps().get(idHost[t * slots + s]).forward(xr);
                for (int d = 0; d < dim; d++) {
                    acc[d] += (double) wHost[t * slots + s] * y[d];
                }
            }
            float[] expected = new float[dim];
            for (int d = 0; d < dim; d++) {
                expected[d] = (float) (acc[d] + residual[t * dim + d]);
            }
            worst = Math.max(worst, assertClose("skewed moe token " + t, expected, 0, h, t * dim, dim, 1e-4, 1e-4));
        }
        for (int i = count * dim; i < capacity * dim; i++) {
            assertEquals(residual[i], h.get(i), "row past count " + count + " must stay untouched (element " + i + ")");
        }
        System.out.println("  skewed moe (hot expert " + hot + " on all " + count + " tokens): max |Δ| " + worst);
    }

    @ParameterizedTest(name = "E {0} slots {1} C {2} count {3} local {4}")
    @CsvSource({"257, 9, 200, 173, 256", "9, 3, 64, 64, 64", "17, 5, 300, 300, 1", "257, 9, 8, 0, 256",
            "257, 9, 1024, 1021, 256"})
    void groupsPairsByExpertInOrder(int experts, int slots, int capacity, int count, int local) {
        TestData data = new TestData(device + " expert groups E " + experts + " C " + capacity);
        int tileTokens = MoeExpertGroups.TILE_TOKENS;
        int[] idHost = new int[capacity * slots];
        for (int i = 0; i < idHost.length; i++) {
            // half the routed choices on expert 0: a hot expert, and many cold ones with no pair at all
            idHost[i] = i % slots == slots - 1 ? experts - 1
                    : data.random.nextBoolean() ? 0 : data.random.nextInt(Math.max(1, (experts - 1) / 4));
        }
        int maxTiles = MoeExpertGroups.maxTiles(capacity * slots, experts, tileTokens);
        IntArray ids = IntArray.fromArray(idHost);
        IntArray meta = meta(0, count);
        if (capacity <= 300) { // the single-group reference variant walks every pair per expert: small cases only
            IntArray offsets = poisonedInts(experts + 1);
            IntArray pairs = poisonedInts(capacity * slots);
            IntArray tiles = poisonedInts(1 + 3 * maxTiles);
            KernelDevices.launch(device, MoeExpertGroups.class, "apply", dims(local), dims(local), new KernelContext(),
                    ids, offsets, pairs, tiles, meta, slots, experts, tileTokens);
            checkGrouping("MoeExpertGroups", idHost, count, slots, experts, offsets, pairs, tiles, maxTiles);
        }
        IntArray counts = poisonedInts(experts);
        IntArray offsets = poisonedInts(experts + 1);
        IntArray pairs = poisonedInts(capacity * slots);
        IntArray tiles = poisonedInts(1 + 3 * maxTiles);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "count", dims((long) experts * local), dims(local),
                new KernelContext(), ids, counts, meta, slots, experts);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "layout", dims(local), dims(local),
                new KernelContext(), counts, offsets, tiles, experts, tileTokens);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "scatter", dims((long) experts * local), dims(local),
                new KernelContext(), ids, offsets, pairs, meta, slots, experts);
        checkGrouping("MoeExpertGroupsSplit", idHost, count, slots, experts, offsets, pairs, tiles, maxTiles);
    }

    private static void checkGrouping(String variant, int[] idHost, int count, int slots, int experts, IntArray offsets,
                                      IntArray pairs, IntArray tiles, int maxTiles) {
        int tileTokens = MoeExpertGroups.TILE_TOKENS;
        int total = count * slots;
        int at = 0;
        int tile = 0;
        for (int e = 0; e < experts; e++) {
            assertEquals(at, offsets.get(e), variant + ": offset of expert " + e);
            int first = at;
            for (int p = 0; p < total; p++) {
                if (idHost[p] == e) {
                    assertEquals(p, pairs.get(at), variant + ": pair " + at + " (expert " + e + ")");
                    at++;
                }
            }
            for (int s = first; s < at; s += tileTokens) {
                assertEquals(e, tiles.get(1 + 3 * tile), variant + ": tile " + tile + " expert");
                assertEquals(s, tiles.get(2 + 3 * tile), variant + ": tile " + tile + " first");
                assertEquals(Math.min(tileTokens, at - s), tiles.get(3 + 3 * tile), variant + ": tile " + tile + " size");
                tile++;
            }
        }
        assertEquals(total, offsets.get(experts), variant + ": end offset");
        assertEquals(tile, tiles.get(0), variant + ": tile count");
        assertTrue(tile <= maxTiles, variant + ": tiles " + tile + " within the launch bound " + maxTiles);
        for (int i = total; i < pairs.getSize(); i++) {
            assertEquals(Integer.MIN_VALUE, pairs.get(i), variant + ": pair slot " + i + " past count must stay untouched");
        }
        System.out.println("  " + variant + ": " + total + " pairs, " + tile + " tiles (bound " + maxTiles + ")");
    }

    private void runGrouped(Experts ex, FloatArray x, IntArray ids, FloatArray weights, FloatArray h, IntArray meta,
                            int capacity, int slots, int packed, int inter, int dim) {
        int tileTokens = MoeExpertGroups.TILE_TOKENS;
        int maxTiles = MoeExpertGroups.maxTiles(capacity * slots, packed, tileTokens);
        IntArray counts = poisonedInts(packed);
        IntArray offsets = poisonedInts(packed + 1);
        IntArray pairs = poisonedInts(capacity * slots);
        IntArray tiles = poisonedInts(1 + 3 * maxTiles);
        FloatArray act = poisoned(capacity * slots * inter);
        FloatArray out = poisoned(capacity * slots * dim);
        int threads = MoeExpertGroups.GEMM_THREADS;
        int upRows = MoeGroupedGateUp.GATE_UP_ROWS;
        int downRows = MoeGroupedDown.DOWN_ROWS;
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "count", dims(packed * 256L), dims(256),
                new KernelContext(), ids, counts, meta, slots, packed);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "layout", dims(256), dims(256), new KernelContext(),
                counts, offsets, tiles, packed, tileTokens);
        KernelDevices.launch(device, MoeExpertGroupsSplit.class, "scatter", dims(packed * 256L), dims(256),
                new KernelContext(), ids, offsets, pairs, meta, slots, packed);
        KernelDevices.launch(device, MoeGroupedGateUp.class, "apply",
                dims((long) (inter + upRows - 1) / upRows * threads, maxTiles), dims(threads, 1), new KernelContext(),
                ex.w1(), ex.w3(), x, pairs, tiles, act, meta, slots, inter, dim);
        KernelDevices.launch(device, MoeGroupedDown.class, "apply",
                dims((long) (dim + downRows - 1) / downRows * threads, maxTiles), dims(threads, 1), new KernelContext(),
                ex.w2(), act, pairs, tiles, out, meta, inter, dim);
        KernelDevices.launch(device, MoeCombineSlots.class, "apply", dims((capacity * dim + 63) / 64 * 64L), dims(64),
                new KernelContext(), out, weights, h, meta, slots, dim);
    }

    static IntArray poisonedInts(int n) {
        IntArray a = new IntArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, Integer.MIN_VALUE);
        }
        return a;
    }
}
