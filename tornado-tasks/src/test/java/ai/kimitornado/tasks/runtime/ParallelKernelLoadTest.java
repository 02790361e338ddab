package ai.kimitornado.tasks.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.backend.opencl.ClBuildFailure;
import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernels of a plan loaded on several threads (PlanExecutor.compileAll through KernelLoader) behave exactly like kernels
 * loaded one after another: same results, a failing kernel is named with its driver log, and a damaged disk cache
 * entry is reported and rebuilt, never handed to the driver.
 */
class ParallelKernelLoadTest {
    private static final int N = 4096;
    private static final int GROUPS = N / 64;
    private static final int BINS = 13;

    private static OpenClDevice openclDevice() {
        List<Device> cl = DeviceRegistry.get().devices().stream().filter(d -> d.id().startsWith("opencl:")).toList();
        assumeTrue(!cl.isEmpty(), "no OpenCL device: " + DeviceRegistry.get().describeAvailable());
        return (OpenClDevice) cl.getFirst();
    }

    /** Inputs (random, seeded) and outputs (poisoned) of the six-task graph. */
    private static final class Arrays {
        final FloatArray a = new FloatArray(N), b = new FloatArray(N), c1 = new FloatArray(N), c2 = new FloatArray(N),
                c3 = new FloatArray(N), acc = new FloatArray(N), sums = new FloatArray(GROUPS);
        final IntArray v = new IntArray(N), hist = new IntArray(BINS);

        Arrays(long seed) {
            Random r = new Random(seed);
            for (int i = 0; i < N; i++) {
                a.set(i, r.nextFloat() * 2 - 1);
                b.set(i, r.nextFloat() * 2 - 1);
                acc.set(i, r.nextFloat());
                v.set(i, r.nextInt(1 << 20));
            }
            for (FloatArray out : new FloatArray[] {c1, c2, c3, sums}) out.init(Float.NaN);
            hist.init(0);
        }
    }

    /** Six tasks over four kernels (axpy three times), so that loads of the same kernel overlap too. */
    private static TornadoExecutionPlan plan(Arrays x, Path cacheDir, UnaryOperator<String> hook, Device device) {
        TaskGraph g = new TaskGraph("p").transferToDevice(DataTransferMode.EVERY_EXECUTION, x.a, x.b, x.acc, x.v, x.hist)
                .task("axpy1", RuntimeKernels::axpy, x.a, x.b, x.c1, 0.5f, N)
                .task("axpy2", RuntimeKernels::axpy, x.c1, x.b, x.c2, -1.25f, N)
                .task("acc", RuntimeKernels::accumulate, x.c2, x.acc, N)
                .task("sum", RuntimeKernels::groupSum, new KernelContext(), x.c2, x.sums)
                .task("hist", RuntimeKernels::histogram, new KernelContext(), x.v, x.hist, BINS)
                .task("axpy3", RuntimeKernels::axpy, x.c2, x.a, x.c3, 3f, N)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, x.c1, x.c2, x.c3, x.acc, x.sums, x.hist);
        GridScheduler grids = new GridScheduler()
                .addWorkerGrid("p.sum", new WorkerGrid1D(N).setLocalWork(64))
                .addWorkerGrid("p.hist", new WorkerGrid1D(N));
        return new TornadoExecutionPlan(g.snapshot()).withDevice(device.id()).withGridScheduler(grids)
                .withKernelCacheDir(cacheDir).withGeneratedSourceHook(hook);
    }

    /** Runs the plan with kimi.jit.threads = {@code threads}; returns its compile report. */
    private static CompileReport run(TornadoExecutionPlan plan, int threads) {
        String old = System.getProperty(KernelLoader.THREADS_PROPERTY);
        System.setProperty(KernelLoader.THREADS_PROPERTY, String.valueOf(threads));
        try {
            plan.withPreCompilation().execute();
            return plan.compileReport();
        } finally {
            if (old == null) System.clearProperty(KernelLoader.THREADS_PROPERTY);
            else System.setProperty(KernelLoader.THREADS_PROPERTY, old);
        }
    }

    /** A hook that changes nothing the kernel computes but makes this test's sources unique, so they are built here. */
    private static UnaryOperator<String> unique(String test) {
        String tag = "// " + test + " " + System.nanoTime() + "\n";
        return s -> tag + s;
    }

    @Test
    void kernelsLoadedOnFourThreadsComputeWhatOneByOneLoadedKernelsCompute(@TempDir Path oneDir, @TempDir Path fourDir) {
        OpenClDevice device = openclDevice();
        long seed = System.nanoTime();
        System.out.println("parallel load seed " + seed);
        Arrays one = new Arrays(seed), four = new Arrays(seed);
        CompileReport serial, parallel;
        try (TornadoExecutionPlan p = plan(one, oneDir, unique("one"), device)) {
            serial = run(p, 1);
        }
        try (TornadoExecutionPlan p = plan(four, fourDir, unique("four"), device)) {
            parallel = run(p, 4);
        }
        assertEquals(1, serial.threads());
        // front ends always run on the pool; builds only where the driver allows it (PoCL: one at a time)
        assertEquals(device.loadsKernelsConcurrently() ? 4 : 1, parallel.threads());
        for (CompileReport r : List.of(serial, parallel)) {
            assertEquals(6, r.tasks(), r.toString());
            assertEquals(4, r.kernels(), r.toString());
            assertEquals(2, r.fromCache(), "axpy built once, its two other tasks share the program: " + r);
            assertEquals(4, r.phases().count(ai.kimitornado.tasks.jit.JitPhases.Phase.DRIVER_FROM_SOURCE), r.toString());
        }
        for (int i = 0; i < N; i++) {
            float c1 = one.a.get(i) + 0.5f * one.b.get(i);
            assertEquals(c1, one.c1.get(i), 0f, "axpy1 [" + i + "]");
            assertEquals(c1 + -1.25f * one.b.get(i), one.c2.get(i), 0f, "axpy2 [" + i + "]");
        }
        assertArrayEquals(one.c1.toHeapArray(), four.c1.toHeapArray());
        assertArrayEquals(one.c2.toHeapArray(), four.c2.toHeapArray());
        assertArrayEquals(one.c3.toHeapArray(), four.c3.toHeapArray());
        assertArrayEquals(one.acc.toHeapArray(), four.acc.toHeapArray());
        assertArrayEquals(one.sums.toHeapArray(), four.sums.toHeapArray());
        assertArrayEquals(one.hist.toHeapArray(), four.hist.toHeapArray());
        int counted = 0;
        for (int b = 0; b < BINS; b++) counted += four.hist.get(b);
        assertEquals(N, counted, "every element counted once");
    }

    @Test
    void aBrokenKernelAmongConcurrentLoadsIsNamedWithItsBuildLog(@TempDir Path dir) {
        OpenClDevice device = openclDevice();
        UnaryOperator<String> tag = unique("broken");
        // only groupSum's source is broken; the other three kernels load at the same time and are fine
        UnaryOperator<String> hook = s -> s.contains("groupSum") ? tag.apply(s).replaceFirst("\\{", "{ this_is_not_opencl = 1;") : tag.apply(s);
        Arrays x = new Arrays(1);
        try (TornadoExecutionPlan p = plan(x, dir, hook, device)) {
            ClBuildFailure e = assertThrows(ClBuildFailure.class, () -> run(p, 4));
            assertTrue(e.getMessage().contains("groupSum"), "names the kernel: " + e.getMessage());
            assertTrue(e.getMessage().contains(device.id()), "names the device: " + e.getMessage());
            assertTrue(e.buildLog().contains("this_is_not_opencl"), "carries the driver log: " + e.buildLog());
            assertEquals(0, e.getSuppressed().length, "the other kernels built: " + List.of(e.getSuppressed()));
        }
    }

    @Test
    void aDamagedCacheEntryIsReportedAndRebuiltNeverLoaded(@TempDir Path dir) throws Exception {
        OpenClDevice device = openclDevice();
        UnaryOperator<String> hook = unique("damaged");
        long seed = System.nanoTime();
        System.out.println("damaged cache entry seed " + seed);
        Arrays first = new Arrays(seed);
        try (TornadoExecutionPlan p = plan(first, dir, hook, device)) {
            run(p, 4);
        }
        List<Path> binaries;
        try (Stream<Path> files = Files.walk(dir)) {
            binaries = files.filter(f -> f.toString().endsWith(".bin")).sorted().toList();
        }
        assertEquals(4, binaries.size(), "one binary per kernel");
        byte[] damaged = Files.readAllBytes(binaries.get(0));
        damaged[damaged.length / 2] ^= 0x10; // one flipped bit in the payload: the length still matches
        Files.write(binaries.get(0), damaged);
        byte[] truncated = Files.readAllBytes(binaries.get(1));
        Files.write(binaries.get(1), java.util.Arrays.copyOf(truncated, truncated.length - 7));

        device.clearProgramCache();
        long rejectedBefore = KernelCache.rejectedInProcess();
        Arrays second = new Arrays(seed);
        CompileReport r;
        try (TornadoExecutionPlan p = plan(second, dir.resolve("."), hook, device)) {
            r = run(p, 4);
        }
        assertEquals(2, KernelCache.rejectedInProcess() - rejectedBefore, "both damaged entries reported");
        assertEquals(2, r.phases().count(ai.kimitornado.tasks.jit.JitPhases.Phase.DRIVER_FROM_SOURCE), "two rebuilt: " + r);
        assertEquals(2, r.phases().count(ai.kimitornado.tasks.jit.JitPhases.Phase.DRIVER_FROM_CACHE), "two loaded: " + r);
        assertArrayEquals(first.c3.toHeapArray(), second.c3.toHeapArray());
        assertArrayEquals(first.sums.toHeapArray(), second.sums.toHeapArray());
        assertArrayEquals(first.hist.toHeapArray(), second.hist.toHeapArray());
        assertFalse(java.util.Arrays.equals(damaged, Files.readAllBytes(binaries.get(0))), "the damaged entry was rewritten");

        device.clearProgramCache();
        long rejectedAfterRewrite = KernelCache.rejectedInProcess();
        try (TornadoExecutionPlan p = plan(new Arrays(seed), dir.resolve("./."), hook, device)) {
            r = run(p, 4);
        }
        assertEquals(rejectedAfterRewrite, KernelCache.rejectedInProcess(), "rewritten entries are whole again");
        assertEquals(4, r.phases().count(ai.kimitornado.tasks.jit.JitPhases.Phase.DRIVER_FROM_CACHE), r.toString());
    }
}
