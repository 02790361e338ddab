package ai.kimitornado.model.kernels;

import static ai.kimitornado.model.kernels.TestData.assertClose;
import static ai.kimitornado.model.kernels.TestData.dims;
import static ai.kimitornado.model.kernels.TestData.meta;
import static ai.kimitornado.model.kernels.TestData.poisoned;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.kimitornado.model.reference.MoeBlock;
import ai.kimitornado.model.reference.MoeRouter;
import ai.kimitornado.model.reference.SwiGluMlp;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.CsvSource;

/** MoE on the device (router, all experts + shared in one launch each, weighted combine + residual) vs MoeBlock. */
@ParameterizedClass(name = "on {0}")
@MethodSource("ai.kimitornado.model.kernels.KernelDevices#devices")
class MoeKernelsTest {
    @Parameter
    String device;


    @ParameterizedTest(name = "D {0} E {1} top {2} I {3} groups {4}/{5}")
    @CsvSource({"64, 8, 2, 32, 1, 1", "64, 256, 8, 64, 1, 1", "128, 16, 4, 1024, 1, 1", "64, 32, 4, 32, 8, 3"})
    void routedAndSharedExpertsMatchReference(int dim, int experts, int topK, int inter, int groups, int topkGroups) {
        TestData data = new TestData(device + " " + "moe " + dim + "/" + experts + "x" + inter);
        int slots = topK + 1;
        int capacity = 3;
        int count = 3;
        BFloat16Array gate = data.bf16(experts * dim, 0.5f);
        FloatArray bias = FloatArray.fromArray(data.uniform(experts, 0.05f));
        // packed [(E+1), I, D] / [(E+1), D, I]; the shared expert is packed last
        BFloat16Array w1 = data.bf16((experts + 1) * inter * dim, 0.3f);
        BFloat16Array w3 = data.bf16((experts + 1) * inter * dim, 0.3f);
        BFloat16Array w2 = data.bf16((experts + 1) * dim * inter, 0.3f);
        List<SwiGluMlp> mlps = new ArrayList<>();
        for (int e = 0; e <= experts; e++) {
            mlps.add(new SwiGluMlp(TestData.matrix("w1." + e, w1, e * inter * dim, inter, dim),
                    TestData.matrix("w3." + e, w3, e * inter * dim, inter, dim),
                    TestData.matrix("w2." + e, w2, e * dim * inter, dim, inter)));
        }
        float scaling = 2.446f;
        MoeRouter router = new MoeRouter(TestData.matrix("gate", gate, 0, experts, dim), bias.toHeapArray(), topK,
                true, scaling, "sigmoid", true, groups, topkGroups);
        MoeBlock block = new MoeBlock(router, mlps.subList(0, experts), mlps.get(experts));

        float[] x = data.uniform(capacity * dim, 1f);
        float[] residual = data.uniform(capacity * dim, 1f);
        FloatArray xa = FloatArray.fromArray(x);
        FloatArray h = FloatArray.fromArray(residual);
        FloatArray logits = poisoned(capacity * experts);
        IntArray ids = new IntArray(capacity * slots);
        FloatArray weights = poisoned(capacity * slots);
        FloatArray act = poisoned(capacity * slots * inter);
        IntArray meta = meta(0, count);
        KernelDevices.launch(device, MatVecBf16.class, "matVec", dims(experts * 64L, capacity), dims(64, 1),
                new KernelContext(), gate, 0, xa, logits, meta, experts, dim, 0);
        int routerLocal = TestData.pow2AtMost(experts, 256);
        KernelDevices.launch(device, MoeRouterTopK.class, "apply", dims((long) capacity * routerLocal), dims(routerLocal),
                new KernelContext(), logits, bias, ids, weights, meta, experts, topK, groups, topkGroups, 1, scaling, 1);
        KernelDevices.launch(device, MoeExpertsGateUp.class, "apply", dims((long) slots * inter * 32, capacity), dims(32, 1),
                new KernelContext(), w1, w3, xa, ids, act, meta, slots, inter, dim);
        KernelDevices.launch(device, MoeExpertsDown.class, "apply", dims(dim * 64L, capacity), dims(64, 1),
                new KernelContext(), w2, act, ids, weights, h, meta, slots, inter, dim);
        for (int t = 0; t < count; t++) {
            float[] xr = java.util.Arrays.copyOfRange(x, t * dim, (t + 1) * dim);
            MoeRouter.Routing routing = router.route(xr);
            for (int k = 0; k < topK; k++) {
                assertEquals(routing.experts()[k], ids.get(t * slots + k), "token " + t + " choice " + k);
                assertEquals(routing.weights()[k], weights.get(t * slots + k), 1e-5, "token " + t + " weight " + k);
            }
            assertEquals(experts, ids.get(t * slots + topK), "shared expert slot");
            float[] expected = block.forward(xr);
            for (int d = 0; d < dim; d++) {
                expected[d] += residual[t * dim + d];
            }
            double err = assertClose("moe token " + t, expected, 0, h, t * dim, dim, 1e-4, 1e-4);
            System.out.println("  moe token " + t + " experts " + java.util.Arrays.toString(routing.experts())
                    + ": max |Δ| " + err);
        }
    }
}
