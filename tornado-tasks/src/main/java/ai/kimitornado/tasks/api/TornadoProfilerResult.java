package ai.kimitornado.tasks.api;

import java.util.List;
import java.util.Locale;

/**
 * What one {@code execute()} did and how long it took. Kernel times come from device events
 * (profiling queue) when the plan has {@code withProfiler()}, else they are -1. Copy times are host
 * wall time around blocking copies. Launch overhead is the host time of submitting a launch
 * (setting arguments + enqueue; on the java backend the launch runs the kernel, so it includes it).
 *
 * @param copyInCount    host → device copies made by this execute (FIRST_EXECUTION arrays count once per plan)
 * @param compileNanos   front end + emit + driver build during this execute (0 once compiled)
 * @param totalNanos     wall time of the whole execute
 * @param deviceBytes    device memory the plan holds after the execute
 */
public record TornadoProfilerResult(String device, List<TaskProfile> tasks,
                                    int copyInCount, long copyInBytes, long copyInNanos,
                                    int copyOutCount, long copyOutBytes, long copyOutNanos,
                                    long compileNanos, long totalNanos, long deviceBytes) {

    /**
     * One task's launch.
     *
     * @param task          "graph.task"
     * @param kernel        "Class.method"
     * @param kernelNanos   device-measured execution time, -1 without profiler
     * @param launchNanos   host time to submit the launch
     * @param compileNanos  compile time spent for this task in this execute (0 when already compiled)
     * @param fromCache     the driver build came from the kernel cache
     * @param grid          the launch geometry used
     */
    public record TaskProfile(String task, String kernel, long kernelNanos, long launchNanos, long compileNanos,
                              boolean fromCache, String grid) {}

    /** Sum of the device-measured kernel times (-1 without profiler). */
    public long kernelNanos() {
        long sum = 0;
        for (TaskProfile t : tasks) {
            if (t.kernelNanos() < 0) return -1;
            sum += t.kernelNanos();
        }
        return sum;
    }

    public TaskProfile task(String graphDotTask) {
        for (TaskProfile t : tasks) if (t.task().equals(graphDotTask)) return t;
        throw new IllegalArgumentException("no task " + graphDotTask + " in this execution; tasks: "
                + tasks.stream().map(TaskProfile::task).toList());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "execute on %s: total %.3f ms, compile %.3f ms, copy-in %d (%d B, %.3f ms), copy-out %d (%d B, %.3f ms), device memory %d B%n",
                device, totalNanos / 1e6, compileNanos / 1e6, copyInCount, copyInBytes, copyInNanos / 1e6,
                copyOutCount, copyOutBytes, copyOutNanos / 1e6, deviceBytes));
        for (TaskProfile t : tasks) {
            sb.append(String.format(Locale.ROOT, "  %-28s %-32s kernel %s  launch %.1f us  compile %.3f ms%s  %s%n",
                    t.task(), t.kernel(), t.kernelNanos() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f us", t.kernelNanos() / 1e3),
                    t.launchNanos() / 1e3, t.compileNanos() / 1e6, t.fromCache() ? " (cached)" : "", t.grid()));
        }
        return sb.toString();
    }
}
