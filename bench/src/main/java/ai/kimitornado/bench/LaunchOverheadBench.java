package ai.kimitornado.bench;

import ai.kimitornado.tasks.api.Parallel;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import ai.kimitornado.tasks.types.arrays.FloatArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Launch overhead per kernel through FFM: a plan of {@value #TASKS} one-work-item kernels with no
 * transfers, executed repeatedly. Reports, per device, the wall time of execute() divided by the
 * number of kernels (submit + the final queue wait amortized), the host submit time per launch
 * (clSetKernelArg + clEnqueueNDRangeKernel) and the device-measured time of the tiny kernel.
 * Usage: {@code LaunchOverheadBench [OUT.json] [device ids...]} (default: every OpenCL device).
 */
public final class LaunchOverheadBench {
    static final int TASKS = 16;
    static final int WARMUP = 100;
    static final int RUNS = 400;

    /** a[i] += 1 for i < n; launched with n = 1 so that the kernel itself costs nearly nothing. */
    public static void touch(FloatArray a, int n) {
        for (@Parallel int i = 0; i < n; i++) {
            a.set(i, a.get(i) + 1f);
        }
    }

    record Row(String device, String name, String driver, double executeUsPerKernel, double submitUsMedian,
               double kernelUsMedian, int kernelsPerExecute, int runs) {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results/launch-overhead.json");
        List<String> ids = new ArrayList<>(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        if (ids.isEmpty()) {
            for (Device d : DeviceRegistry.get().devices()) if (d.id().startsWith("opencl:")) ids.add(d.id());
        }
        List<Row> rows = new ArrayList<>();
        for (String id : ids) rows.add(measure(id));
        StringBuilder json = new StringBuilder("{\n  \"benchmark\": \"launch-overhead\",\n  \"date\": \"" + Instant.now() + "\",\n")
                .append("  \"java\": \"").append(Runtime.version()).append("\",\n  \"host_cores\": ")
                .append(Runtime.getRuntime().availableProcessors()).append(",\n  \"load_average\": \"").append(loadAverage())
                .append("\",\n  \"note\": \"wall-clock numbers; a shared or loaded host inflates execute_us_per_kernel\",\n  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            json.append(String.format(Locale.ROOT,
                    "    {\"device\": \"%s\", \"name\": \"%s\", \"driver\": \"%s\", \"execute_us_per_kernel\": %.2f, "
                            + "\"submit_us_median\": %.2f, \"kernel_us_median\": %.2f, \"kernels_per_execute\": %d, \"runs\": %d}%s%n",
                    r.device(), esc(r.name()), esc(r.driver()), r.executeUsPerKernel(), r.submitUsMedian(), r.kernelUsMedian(),
                    r.kernelsPerExecute(), r.runs(), i + 1 < rows.size() ? "," : ""));
        }
        json.append("  ]\n}\n");
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        Files.writeString(out, json);
        System.out.print(json);
    }

    private static Row measure(String id) {
        FloatArray a = new FloatArray(1);
        TaskGraph g = new TaskGraph("launch");
        for (int t = 0; t < TASKS; t++) g.task("t" + t, LaunchOverheadBench::touch, a, 1);
        Device dev = DeviceRegistry.get().device(id);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(id).withPreCompilation()) {
            for (int i = 0; i < WARMUP; i++) plan.execute();
            long t0 = System.nanoTime();
            for (int i = 0; i < RUNS; i++) plan.execute();
            double perKernelUs = (System.nanoTime() - t0) / 1e3 / RUNS / TASKS;
            // Profiled runs: host submit time and device time per launch.
            plan.withProfiler();
            List<Double> submit = new ArrayList<>(), kernel = new ArrayList<>();
            for (int i = 0; i < RUNS / 4; i++) {
                TornadoProfilerResult p = plan.execute().getProfilerResult();
                for (TornadoProfilerResult.TaskProfile tp : p.tasks()) {
                    submit.add(tp.launchNanos() / 1e3);
                    kernel.add(tp.kernelNanos() / 1e3);
                }
            }
            return new Row(id, dev.info().name(), dev.info().driverVersion(), perKernelUs, median(submit), median(kernel), TASKS, RUNS);
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.isEmpty() ? Double.NaN : s.get(s.size() / 2);
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
