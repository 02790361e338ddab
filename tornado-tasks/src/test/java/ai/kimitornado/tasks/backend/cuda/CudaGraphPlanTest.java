package ai.kimitornado.tasks.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.emit.ptx.PtxTestKernels;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** TornadoExecutionPlan.withCUDAGraph(): capture once, replay with fresh host inputs every execution. */
class CudaGraphPlanTest {
    private static final int N = 10_000;

    private static TaskGraph saxpyGraph(FloatArray x, FloatArray y, float a) {
        return new TaskGraph("g")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, x, y)
                .task("saxpy", PtxTestKernels::saxpy, x, y, a, N)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, y);
    }

    @Test
    void refusedOnDevicesThatCannotReplay() {
        FloatArray x = new FloatArray(N);
        FloatArray y = new FloatArray(N);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(saxpyGraph(x, y, 2f).snapshot()).withDevice("java")
                .withCUDAGraph()) {
            plan.execute(); // the first execution runs normally everywhere
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(e.getMessage().contains("withCUDAGraph") && e.getMessage().contains("java"), e.getMessage());
        }
    }

    @Test
    void replaysWithFreshInputsOnCuda() {
        CudaBackend backend = new CudaBackend();
        Assumptions.assumeFalse(backend.devices().isEmpty(),
                "no CUDA device: " + backend.unavailableReason().orElse("?") + " — graph replay test skipped");
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        Random random = new Random(seed);
        float a = 1.5f;
        FloatArray x = new FloatArray(N);
        FloatArray y = new FloatArray(N);
        float[] expected = new float[N];
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(saxpyGraph(x, y, a).snapshot())
                .withDevice(backend.devices().getFirst().id()).withCUDAGraph()) {
            for (int step = 0; step < 5; step++) {
                for (int i = 0; i < N; i++) {
                    x.set(i, random.nextFloat());
                    expected[i] = a * x.get(i) + expected[i];
                }
                plan.execute(); // step 0 runs, step 1 captures and replays, then replays
                for (int i = 0; i < N; i++) {
                    assertEquals(expected[i], y.get(i), 0f, "step " + step + " y[" + i + "]");
                }
            }
        }
    }
}
