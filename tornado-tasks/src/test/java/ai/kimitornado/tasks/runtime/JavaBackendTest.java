package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The java backend: @Parallel kernels, work-groups with local memory and barriers, atomics under contention. */
class JavaBackendTest {

    private static Random seeded(String test) {
        long seed = System.nanoTime();
        System.out.println(test + " seed " + seed);
        return new Random(seed);
    }

    @Test
    void parallelKernelRunsAsJava() {
        Random rnd = seeded("parallelKernelRunsAsJava");
        int n = 100 + rnd.nextInt(1000);
        FloatArray a = new FloatArray(n), b = new FloatArray(n), c = new FloatArray(n);
        for (int i = 0; i < n; i++) {
            a.set(i, rnd.nextFloat());
            b.set(i, rnd.nextFloat());
        }
        c.init(Float.NaN);
        float s = rnd.nextFloat();
        TaskGraph g = new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("axpy", RuntimeKernels::axpy, a, b, c, s, n).transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice("java")) {
            var r = plan.execute();
            assertEquals(0, r.getProfilerResult().copyInCount(), "java shares host memory: no copies");
        }
        for (int i = 0; i < n; i++) assertEquals(a.get(i) + s * b.get(i), c.get(i), 0f);
    }

    @Test
    void localMemoryAndBarriersPerWorkGroup() {
        Random rnd = seeded("localMemoryAndBarriersPerWorkGroup");
        int groups = 5 + rnd.nextInt(20);
        FloatArray in = new FloatArray(groups * 64), out = new FloatArray(groups);
        for (int i = 0; i < in.getSize(); i++) in.set(i, rnd.nextInt(100));
        out.init(Float.NaN);
        TaskGraph g = new TaskGraph("r").task("sum", RuntimeKernels::groupSum, new KernelContext(), in, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice("java")
                .withGridScheduler(new GridScheduler("r.sum", new WorkerGrid1D(groups * 64L).setLocalWork(64)))) {
            plan.execute();
        }
        for (int gi = 0; gi < groups; gi++) {
            float expect = 0;
            for (int j = 0; j < 64; j++) expect += in.get(gi * 64 + j);
            assertEquals(expect, out.get(gi), 0f, "group " + gi);
        }
    }

    @Test
    void atomicsAreExactUnderContention() {
        Random rnd = seeded("atomicsAreExactUnderContention");
        int n = 20000 + rnd.nextInt(5000), bins = 7;
        IntArray v = new IntArray(n), hist = new IntArray(bins);
        int[] expect = new int[bins];
        for (int i = 0; i < n; i++) {
            v.set(i, rnd.nextInt(1000));
            expect[v.get(i) % bins]++;
        }
        TaskGraph g = new TaskGraph("h").task("hist", RuntimeKernels::histogram, new KernelContext(), v, hist, bins);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice("java")
                .withGridScheduler(new GridScheduler("h.hist", new WorkerGrid1D(n).setLocalWork(1)))) {
            plan.execute();
        }
        assertArrayEquals(expect, hist.toHeapArray());
    }

    @Test
    void divergentBarrierIsAnErrorNotAHang() {
        FloatArray out = new FloatArray(64);
        TaskGraph g = new TaskGraph("d").task("k", RuntimeKernels::divergentBarrier, new KernelContext(), out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice("java")
                .withGridScheduler(new GridScheduler("d.k", new WorkerGrid1D(64).setLocalWork(64)))) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("divergen"), e.getMessage());
        }
    }

    @Test
    void kernelContextTaskWithoutGridIsAnError() {
        FloatArray in = new FloatArray(64), out = new FloatArray(1);
        TaskGraph g = new TaskGraph("r").task("sum", RuntimeKernels::groupSum, new KernelContext(), in, out);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice("java")) {
            TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, plan::execute);
            assertTrue(e.getMessage().contains("r.sum") && e.getMessage().contains("WorkerGrid"), e.getMessage());
        }
    }

    @Test
    void unknownDeviceIdListsTheAvailableOnes() {
        TornadoRuntimeException e = assertThrows(TornadoRuntimeException.class, () -> DeviceRegistry.get().device("opencl:9:9"));
        System.out.println(e.getMessage());
        assertTrue(e.getMessage().contains("unknown device id 'opencl:9:9'") && e.getMessage().contains("java"));
    }
}
