package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.api.WorkerGrid2D;
import ai.kimitornado.tasks.api.WorkerGrid3D;
import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.catalogue.JavaReference;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.types.arrays.DoubleArray;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs catalogue entries through the whole runtime on a device and compares with plain Java. Used by
 * {@link ConformanceTest} and, as a program, for runs on machines without Maven (the H200):
 * {@code java -cp classes:test-classes ai.kimitornado.tasks.runtime.CatalogueRunner OUT.json [device ids]}
 * writes pass/fail, compile time, kernel time and launch time per kernel and device.
 */
public final class CatalogueRunner {
    private CatalogueRunner() {}

    /** The outcome of one entry on one device. {@code failure} is null when every output matched. */
    public record Outcome(String kernel, String device, long seed, String failure, long compileNanos, long kernelNanos, long launchNanos) {}

    public static Outcome run(CatalogueEntry e, Device device, long seed) {
        Object[] expected = e.arguments().apply(seed);
        JavaReference.run(e, expected);
        Outcome o = runAndCompare(e, device, seed, expected, null);
        if (o.failure() == null && e.grid() == null && !device.sharesHostMemory()) {
            // A deliberately tiny grid: grid-stride loops must still cover every iteration.
            Outcome tiny = runAndCompare(e, device, seed, expected, tiny(e));
            if (tiny.failure() != null) return tiny;
        }
        return o;
    }

    /**
     * Tolerance of mmaBf16 kernels where tensor cores run them (|device - java| <= tol * max(1, |java|)): the
     * hardware adds the 16 exact products of a tile in its own order and precision; emulations are bit-exact.
     */
    public static final double MMA_TENSOR_CORE_TOLERANCE = 1e-4;

    private static Outcome runAndCompare(CatalogueEntry e, Device device, long seed, Object[] expected, WorkerGrid override) {
        if (e.tolerance() < MMA_TENSOR_CORE_TOLERANCE && device.info().nativeMmaBf16()
                && KernelCompiler.frontEnd(e.kernel()).usesMma()) {
            e = new CatalogueEntry(e.name(), e.kernel(), e.arguments(), e.grid(), MMA_TENSOR_CORE_TOLERANCE);
        }
        Object[] actual = e.arguments().apply(seed);
        Object[] arrays = Arrays.stream(actual).filter(a -> a instanceof NativeArray).toArray();
        TaskGraph g = new TaskGraph("conf")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays)
                .task("k", e.kernel().method(), actual)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, arrays);
        GridScheduler grids = new GridScheduler();
        if (e.grid() != null) grids.addWorkerGrid("conf.k", workerGrid(e.grid().global(), e.grid().local()));
        if (override != null) grids.addWorkerGrid("conf.k", override);
        TornadoProfilerResult p;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device.id())
                .withGridScheduler(grids).withProfiler()) {
            p = plan.execute().getProfilerResult();
        }
        String how = device.id() + (override != null ? " with tiny grid " + override : "") + ", seed " + seed;
        String failure = null;
        for (int i = 0; i < actual.length && failure == null; i++) failure = compare(e, i, expected[i], actual[i], how);
        TornadoProfilerResult.TaskProfile t = p.task("conf.k");
        return new Outcome(e.name(), device.id(), seed, failure, p.compileNanos(), t.kernelNanos(), t.launchNanos());
    }

    static WorkerGrid tiny(CatalogueEntry e) {
        return switch (KernelCompiler.frontEnd(e.kernel()).parallelDims().size()) {
            case 1 -> new WorkerGrid1D(3);
            case 2 -> new WorkerGrid2D(3, 2);
            default -> new WorkerGrid3D(3, 2, 2);
        };
    }

    static WorkerGrid workerGrid(long[] global, long[] local) {
        WorkerGrid g = switch (global.length) {
            case 1 -> new WorkerGrid1D(global[0]);
            case 2 -> new WorkerGrid2D(global[0], global[1]);
            default -> new WorkerGrid3D(global[0], global[1], global[2]);
        };
        if (local != null) g.setLocalWork(local);
        return g;
    }

    static boolean usesDoubles(CatalogueEntry e) {
        return KernelCompiler.frontEnd(e.kernel()).usesFp64();
    }

    /** Null when equal: float outputs within the entry's tolerance (NaN equals NaN), everything else bit-exact. */
    static String compare(CatalogueEntry e, int index, Object x, Object y, String how) {
        String where = e.name() + " argument " + index + " on " + how;
        return switch (x) {
            case FloatArray a -> {
                FloatArray b = (FloatArray) y;
                for (int i = 0; i < a.getSize(); i++) {
                    String m = checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    if (m != null) yield m;
                }
                yield null;
            }
            case DoubleArray a -> {
                DoubleArray b = (DoubleArray) y;
                for (int i = 0; i < a.getSize(); i++) {
                    String m = checkFloat(a.get(i), b.get(i), e.tolerance(), where, i);
                    if (m != null) yield m;
                }
                yield null;
            }
            case NativeArray a -> {
                NativeArray b = (NativeArray) y;
                long at = a.segment().mismatch(b.segment());
                yield at < 0 ? null : where + ": first differing byte " + at + " (element " + at / a.elementBytes() + "): java "
                        + a.segment().get(ValueLayout.JAVA_BYTE, at) + ", device " + b.segment().get(ValueLayout.JAVA_BYTE, at);
            }
            case KernelContext k -> null;
            default -> x.equals(y) ? null : where + ": scalar changed " + x + " vs " + y;
        };
    }

    private static String checkFloat(double java, double device, double tol, String where, int i) {
        if (Double.isNaN(java) && Double.isNaN(device)) return null;
        boolean ok = tol == 0
                ? Double.doubleToLongBits(java) == Double.doubleToLongBits(device)
                : Math.abs(java - device) <= tol * Math.max(1, Math.abs(java)) || java == device;
        return ok ? null : where + "[" + i + "]: java " + java + " device " + device + " (tolerance " + tol + ")";
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "catalogue-results.json");
        List<Device> devices = new ArrayList<>();
        if (args.length > 1) {
            for (String id : Arrays.asList(args).subList(1, args.length)) devices.add(DeviceRegistry.get().device(id));
        } else {
            devices.addAll(DeviceRegistry.get().devices());
        }
        StringBuilder json = new StringBuilder("{\n  \"run\": \"catalogue conformance\",\n  \"date\": \"" + Instant.now()
                + "\",\n  \"devices\": [" + String.join(", ", devices.stream().map(d -> "\"" + d.id() + " " + esc(d.info().name()) + " (" + esc(d.info().driverVersion()) + ")\"").toList())
                + "],\n  \"results\": [\n");
        int pass = 0, fail = 0, skip = 0;
        List<String> rows = new ArrayList<>();
        for (Device d : devices) {
            for (CatalogueEntry e : Catalogue.ENTRIES) {
                long seed = System.nanoTime();
                String row;
                if (!d.info().fp64() && usesDoubles(e)) {
                    skip++;
                    row = String.format(Locale.ROOT, "{\"kernel\": \"%s\", \"device\": \"%s\", \"status\": \"skipped (no fp64)\"}", e.name(), d.id());
                } else {
                    Outcome o;
                    try {
                        o = run(e, d, seed);
                    } catch (RuntimeException ex) {
                        o = new Outcome(e.name(), d.id(), seed, ex.toString(), -1, -1, -1);
                    }
                    if (o.failure() == null) pass++; else fail++;
                    row = String.format(Locale.ROOT, "{\"kernel\": \"%s\", \"device\": \"%s\", \"seed\": %d, \"status\": \"%s\", \"compile_ms\": %.3f, \"kernel_us\": %.2f, \"launch_us\": %.2f%s}",
                            e.name(), d.id(), seed, o.failure() == null ? "pass" : "FAIL", o.compileNanos() / 1e6, o.kernelNanos() / 1e3,
                            o.launchNanos() / 1e3, o.failure() == null ? "" : ", \"failure\": \"" + esc(o.failure()) + "\"");
                    System.out.println((o.failure() == null ? "pass " : "FAIL ") + e.name() + " on " + d.id() + (o.failure() == null ? "" : ": " + o.failure()));
                }
                rows.add("    " + row);
            }
        }
        json.append(String.join(",\n", rows)).append("\n  ],\n  \"pass\": ").append(pass).append(", \"fail\": ").append(fail)
                .append(", \"skipped\": ").append(skip).append("\n}\n");
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.println(pass + " pass, " + fail + " fail, " + skip + " skipped -> " + out);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
