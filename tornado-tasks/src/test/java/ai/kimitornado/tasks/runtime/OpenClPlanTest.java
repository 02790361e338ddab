package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoExecutionResult;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.backend.opencl.ClBuildFailure;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Plans on the first OpenCL device (PoCL in CI): residency, profiling, build errors, grids, the kernel cache. */
class OpenClPlanTest {

    private static String openclDevice() {
        List<Device> cl = DeviceRegistry.get().devices().stream().filter(d -> d.id().startsWith("opencl:")).toList();
        assumeTrue(!cl.isEmpty(), "no OpenCL device: " + DeviceRegistry.get().describeAvailable());
        return cl.getFirst().id();
    }

    private static Random seeded(String test) {
        long seed = System.nanoTime();
        System.out.println(test + " seed " + seed);
        return new Random(seed);
    }

    private static FloatArray random(Random rnd, int n) {
        FloatArray a = new FloatArray(n);
        for (int i = 0; i < n; i++) a.set(i, rnd.nextFloat() * 2 - 1);
        return a;
    }

    @Test
    void firstExecutionUploadsOnceAndArraysStayResident() {
        Random rnd = seeded("firstExecutionUploadsOnceAndArraysStayResident");
        int n = 500 + rnd.nextInt(2000);
        FloatArray x = random(rnd, n), acc = new FloatArray(n);
        TaskGraph g = new TaskGraph("res")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, x, acc)
                .task("acc", RuntimeKernels::accumulate, x, acc, n)
                .transferToHost(DataTransferMode.UNDER_DEMAND, acc);
        int runs = 10;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(openclDevice()).withProfiler()) {
            TornadoExecutionResult last = null;
            for (int r = 0; r < runs; r++) {
                last = plan.execute();
                TornadoProfilerResult p = last.getProfilerResult();
                assertEquals(r == 0 ? 2 : 0, p.copyInCount(), "copies in at execute " + r);
                assertEquals(r == 0 ? 2L * n * 4 : 0, p.copyInBytes());
                assertEquals(0, p.copyOutCount(), "UNDER_DEMAND copies nothing back by itself");
                assertTrue(p.task("res.acc").kernelNanos() > 0, "profiled kernel time");
            }
            for (int i = 0; i < n; i++) assertEquals(0f, acc.get(i), "host copy untouched before transferToHost");
            TornadoProfilerResult back = last.transferToHost(acc);
            assertEquals(1, back.copyOutCount());
            System.out.println(last.getProfilerResult());
        }
        for (int i = 0; i < n; i++) {
            float expect = 0;
            for (int r = 0; r < runs; r++) expect += x.get(i);
            assertEquals(expect, acc.get(i), 1e-5f * runs, "element " + i);
        }
    }

    @Test
    void graphsOfOnePlanShareBuffersByIdentity() {
        Random rnd = seeded("graphsOfOnePlanShareBuffersByIdentity");
        int n = 256 + rnd.nextInt(1024);
        FloatArray a = random(rnd, n), b = random(rnd, n), c = new FloatArray(n), acc = new FloatArray(n);
        c.init(Float.NaN); // never copied: lives only on the device between the two graphs
        acc.init(0f);
        float s = rnd.nextFloat();
        TaskGraph g1 = new TaskGraph("produce").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
                .task("axpy", RuntimeKernels::axpy, a, b, c, s, n);
        TaskGraph g2 = new TaskGraph("consume").transferToDevice(DataTransferMode.FIRST_EXECUTION, acc)
                .task("acc", RuntimeKernels::accumulate, c, acc, n)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, acc);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g1.snapshot(), g2.snapshot()).withDevice(openclDevice())) {
            plan.execute();
            assertEquals(4L * n * 4, plan.deviceMemoryBytes(), "a, b, c, acc: one buffer each");
        }
        for (int i = 0; i < n; i++) assertEquals(a.get(i) + s * b.get(i), acc.get(i), 1e-6f, "element " + i);
        assertTrue(Float.isNaN(c.get(0)), "c was never transferred to the host");
    }

    @Test
    void graphsRunSeparatelyByNameOverTheSameResidentBuffers() {
        Random rnd = seeded("graphsRunSeparatelyByNameOverTheSameResidentBuffers");
        int n = 64 + rnd.nextInt(512);
        FloatArray a = random(rnd, n), b = random(rnd, n), c = new FloatArray(n), acc = new FloatArray(n);
        float s = rnd.nextFloat();
        TaskGraph produce = new TaskGraph("produce").transferToDevice(DataTransferMode.FIRST_EXECUTION, a, b)
                .task("axpy", RuntimeKernels::axpy, a, b, c, s, n);
        TaskGraph consume = new TaskGraph("consume").transferToDevice(DataTransferMode.FIRST_EXECUTION, acc)
                .task("acc", RuntimeKernels::accumulate, c, acc, n)
                .transferToHost(DataTransferMode.FIRST_EXECUTION, acc);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(produce.snapshot(), consume.snapshot()).withDevice(openclDevice())) {
            assertEquals(2, plan.execute("produce").getProfilerResult().copyInCount());
            TornadoProfilerResult first = plan.execute("consume").getProfilerResult();
            assertEquals(1, first.copyInCount(), "acc only: a and b are already resident");
            assertEquals(1, first.copyOutCount(), "the consume graph's FIRST_EXECUTION copy back happens on its own first run");
            TornadoProfilerResult second = plan.execute("consume").getProfilerResult();
            assertEquals(0, second.copyInCount());
            assertEquals(0, second.copyOutCount());
            assertThrows(TornadoRuntimeException.class, () -> plan.execute("nope"));
        }
        for (int i = 0; i < n; i++) assertEquals(a.get(i) + s * b.get(i), acc.get(i), 1e-6f, "element " + i);
    }

    @Test
    void parallelKernelMatchesJava() {
        Random rnd = seeded("parallelKernelMatchesJava");
        int n = 1 + rnd.nextInt(5000);
        FloatArray a = random(rnd, n), b = random(rnd, n), c = new FloatArray(n), expect = new FloatArray(n);
        c.init(Float.NaN);
        float s = rnd.nextFloat();
        RuntimeKernels.axpy(a, b, expect, s, n);
        TaskGraph g = new TaskGraph("g").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b, c)
                .task("axpy", RuntimeKernels::axpy, a, b, c, s, n).transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        List<String> printed = new ArrayList<>();
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(openclDevice()).withPrintKernel(printed::add)) {
            plan.execute();
        }
        assertEquals(1, printed.size());
        assertTrue(printed.getFirst().contains("__kernel"), printed.getFirst());
        for (int i = 0; i < n; i++) assertEquals(expect.get(i), c.get(i), 0f, "element " + i);
    }

    @Test
    void localMemoryReductionAndAtomicsOnDevice() {
        Random rnd = seeded("localMemoryReductionAndAtomicsOnDevice");
        int groups = 3 + rnd.nextInt(30);
        FloatArray in = new FloatArray(groups * 64), out = new FloatArray(groups);
        for (int i = 0; i < in.getSize(); i++) in.set(i, rnd.nextInt(100));
        out.init(Float.NaN);
        int n = 4096 + rnd.nextInt(4096), bins = 13;
        IntArray v = new IntArray(n), hist = new IntArray(bins);
        int[] expect = new int[bins];
        for (int i = 0; i < n; i++) {
            v.set(i, rnd.nextInt(100000));
            expect[v.get(i) % bins]++;
        }
        TaskGraph g = new TaskGraph("k").transferToDevice(DataTransferMode.EVERY_EXECUTION, in, out, v, hist)
                .task("sum", RuntimeKernels::groupSum, new KernelContext(), in, out)
                .task("hist", RuntimeKernels::histogram, new KernelContext(), v, hist, bins)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, out, hist);
        GridScheduler grids = new GridScheduler()
                .addWorkerGrid("k.sum", new WorkerGrid1D(groups * 64L).setLocalWork(64))
                .addWorkerGrid("k.hist", new WorkerGrid1D(n));
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(openclDevice()).withGridScheduler(grids)) {
            plan.execute();
        }
        for (int gi = 0; gi < groups; gi++) {
            float e = 0;
            for (int j = 0; j < 64; j++) e += in.get(gi * 64 + j);
            assertEquals(e, out.get(gi), 0f, "group " + gi);
        }
        assertArrayEquals(expect, hist.toHeapArray());
    }

    @Test
    void driverBuildErrorShowsLogAndGeneratedSource() {
        FloatArray a = new FloatArray(16), b = new FloatArray(16), c = new FloatArray(16);
        TaskGraph g = new TaskGraph("bad").task("axpy", RuntimeKernels::axpy, a, b, c, 1f, 16);
        // Corrupt the emitted source on its first statement line: the driver must reject it, and we must show why.
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(openclDevice())
                .withGeneratedSourceHook(src -> src.replaceFirst("\\{\\n", "{\n    this_is_not_opencl = 1;\n"))) {
            ClBuildFailure e = assertThrows(ClBuildFailure.class, plan::execute);
            System.out.println(e.getMessage());
            assertTrue(e.getMessage().contains("CL_BUILD_PROGRAM_FAILURE"));
            assertTrue(e.buildLog().contains("this_is_not_opencl"), "driver log names the bad identifier");
            assertTrue(e.getMessage().contains("this_is_not_opencl = 1;"), "generated source line is shown");
            assertTrue(e.getMessage().matches("(?s).*>\\s+\\d+ \\| +this_is_not_opencl.*"), "the failing line is marked");
        }
    }

    @Test
    void kernelCacheDirHoldsBinaryAndSource(@TempDir Path dir) throws Exception {
        FloatArray a = new FloatArray(8), b = new FloatArray(8), c = new FloatArray(8);
        TaskGraph g = new TaskGraph("cache").task("axpy", RuntimeKernels::axpy, a, b, c, 2f, 8);
        // A hook that changes nothing observable but makes this source unique to the test run, so that it is built here.
        String tag = "// run " + System.nanoTime() + "\n";
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(openclDevice())
                .withKernelCacheDir(dir).withGeneratedSourceHook(s -> tag + s)) {
            var p = plan.execute().getProfilerResult();
            assertFalse(p.task("cache.axpy").fromCache());
            assertTrue(p.compileNanos() > 0);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(f -> f.endsWith(".bin")), names.toString());
            assertTrue(names.stream().anyMatch(f -> f.endsWith(".src")), names.toString());
        }
        // Forget the built programs: the second plan must load the binary from the cache directory, and it must work.
        ((ai.kimitornado.tasks.backend.opencl.OpenClDevice) DeviceRegistry.get().device(openclDevice())).clearProgramCache();
        a.init(1f);
        b.init(3f);
        c.init(Float.NaN);
        TaskGraph g2 = new TaskGraph("cache").transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b, c)
                .task("axpy", RuntimeKernels::axpy, a, b, c, 2f, 8).transferToHost(DataTransferMode.EVERY_EXECUTION, c);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g2.snapshot()).withDevice(openclDevice())
                .withKernelCacheDir(dir).withGeneratedSourceHook(s -> tag + s)) {
            assertTrue(plan.execute().getProfilerResult().task("cache.axpy").fromCache(), "second plan builds nothing");
        }
        for (int i = 0; i < 8; i++) assertEquals(7f, c.get(i), "kernel loaded from the cached binary computes");
    }
}
