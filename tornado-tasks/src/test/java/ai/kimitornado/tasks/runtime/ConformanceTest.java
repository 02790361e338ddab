package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.api.WorkerGrid2D;
import ai.kimitornado.tasks.api.WorkerGrid3D;
import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.catalogue.JavaReference;
import ai.kimitornado.tasks.types.arrays.*;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The JIT catalogue through the whole runtime (TaskGraph → plan → device) on every available device
 * (java, every OpenCL device, and any plugged-in backend), against the same method run as plain Java.
 * Fresh random inputs per run (seed printed); outputs start poisoned (the catalogue's generators).
 * Float outputs within the entry's tolerance (NaN equals NaN), everything else bit-exact.
 */
class ConformanceTest {

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Device d : DeviceRegistry.get().devices()) {
            for (CatalogueEntry e : Catalogue.ENTRIES) all.add(Arguments.of(e, d.id()));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("cases")
    void matchesPlainJava(CatalogueEntry e, String deviceId) {
        Device device = DeviceRegistry.get().device(deviceId);
        if (!device.info().fp64()) assumeTrue(!usesDoubles(e), "device has no fp64");
        long seed = System.nanoTime();
        System.out.println(e.name() + " on " + deviceId + " seed=" + seed);
        Object[] expected = e.arguments().apply(seed);
        JavaReference.run(e, expected);
        runAndCompare(e, device, seed, expected, null);
        if (e.grid() == null && !device.sharesHostMemory()) {
            // A deliberately tiny grid: grid-stride loops must still cover every iteration.
            runAndCompare(e, device, seed, expected, tiny(e));
        }
    }

    private static void runAndCompare(CatalogueEntry e, Device device, long seed, Object[] expected, WorkerGrid override) {
        Object[] actual = e.arguments().apply(seed);
        List<Object> arrays = Arrays.stream(actual).filter(a -> a instanceof NativeArray).toList();
        TaskGraph g = new TaskGraph("conf")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays.toArray())
                .task("k", e.kernel().method(), actual)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        GridScheduler grids = new GridScheduler();
        if (e.grid() != null) grids.addWorkerGrid("conf.k", workerGrid(e.grid().global(), e.grid().local()));
        if (override != null) grids.addWorkerGrid("conf.k", override);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device.id()).withGridScheduler(grids)) {
            plan.execute();
        }
        String how = device.id() + (override != null ? " with tiny grid " + override : "") + ", seed " + seed;
        for (int i = 0; i < actual.length; i++) compare(e, i, expected[i], actual[i], how);
    }

    private static WorkerGrid tiny(CatalogueEntry e) {
        int dims = ai.kimitornado.tasks.jit.KernelCompiler.frontEnd(e.kernel()).parallelDims().size();
        return switch (dims) {
            case 1 -> new WorkerGrid1D(3);
            case 2 -> new WorkerGrid2D(3, 2);
            default -> new WorkerGrid3D(3, 2, 2);
        };
    }

    private static WorkerGrid workerGrid(long[] global, long[] local) {
        WorkerGrid g = switch (global.length) {
            case 1 -> new WorkerGrid1D(global[0]);
            case 2 -> new WorkerGrid2D(global[0], global[1]);
            default -> new WorkerGrid3D(global[0], global[1], global[2]);
        };
        if (local != null) g.setLocalWork(local);
        return g;
    }

    private static boolean usesDoubles(CatalogueEntry e) {
        return ai.kimitornado.tasks.jit.KernelCompiler.frontEnd(e.kernel()).usesFp64();
    }

    private static void compare(CatalogueEntry e, int index, Object x, Object y, String how) {
        String where = e.name() + " argument " + index + " on " + how;
        switch (x) {
            case FloatArray a -> {
                FloatArray b = (FloatArray) y;
                for (int i = 0; i < a.getSize(); i++) checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
            }
            case DoubleArray a -> {
                DoubleArray b = (DoubleArray) y;
                for (int i = 0; i < a.getSize(); i++) checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
            }
            case NativeArray a -> {
                NativeArray b = (NativeArray) y;
                long mismatch = a.segment().mismatch(b.segment());
                if (mismatch >= 0) {
                    fail(where + ": first differing byte " + mismatch + " (element " + mismatch / a.elementBytes() + ") java "
                            + a.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, mismatch) + " device "
                            + b.segment().get(java.lang.foreign.ValueLayout.JAVA_BYTE, mismatch));
                }
            }
            case KernelContext k -> { }
            default -> {
                if (!x.equals(y)) fail(where + ": scalar changed " + x + " vs " + y);
            }
        }
    }

    private static void checkFloat(double java, double device, double tol, String where, int i) {
        if (Double.isNaN(java) && Double.isNaN(device)) return;
        boolean ok = tol == 0
                ? Double.doubleToLongBits(java) == Double.doubleToLongBits(device)
                : Math.abs(java - device) <= tol * Math.max(1, Math.abs(java)) || java == device;
        if (!ok) fail(where + "[" + i + "]: java " + java + " device " + device + " (tolerance " + tol + ")");
    }
}
