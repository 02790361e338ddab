package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.TornadoProfilerResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sums profiler task times per kernel class (GEMV, KDA, MLA, MoE, norms, sampling, other), the host wall time of the
 * blocking host↔device copies ("copies+wait": the copy back waits for the queued kernels to finish, so on devices
 * with asynchronous launches it includes kernel time) and the wall time of the whole executes ("total").
 * Task time is the device event when profiled; the java backend has no events and runs the kernel inside the launch,
 * so its launch wall time is used there.
 */
final class KernelClasses {
    static final String[] ORDER = {"GEMV", "KDA", "MLA", "MoE/MLP", "norms", "sampling", "other", "copies+wait", "total"};

    /** Roles listed in {@link #top}: enough to see every heavy launch without printing all ~60 roles. */
    static final int TOP = 12;

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Map<String, long[]> roleNanosAndCount = new LinkedHashMap<>();
    private final Map<String, String> roleKernel = new LinkedHashMap<>();
    private int executes;

    KernelClasses() {
        for (String c : ORDER) nanos.put(c, 0L);
    }

    /** Kernel class of "Class.method" (the model kernels' simple class names). */
    static String classify(String kernel) {
        String cls = kernel.contains(".") ? kernel.substring(0, kernel.indexOf('.')) : kernel;
        if (cls.startsWith("MatVec") || cls.startsWith("Gemm")) return "GEMV";
        if (cls.startsWith("Kda") || cls.equals("ShortConvSilu") || cls.equals("L2NormQk")) return "KDA";
        if (cls.startsWith("Mla")) return "MLA";
        if (cls.startsWith("Moe") || cls.equals("SwiGluGateUp")) return "MoE/MLP";
        if (cls.contains("RmsNorm")) return "norms";
        if (cls.startsWith("Sample")) return "sampling";
        return "other";
    }

    void add(TornadoProfilerResult r) {
        executes++;
        for (TornadoProfilerResult.TaskProfile t : r.tasks()) {
            long ns = t.kernelNanos() >= 0 ? t.kernelNanos() : t.launchNanos();
            nanos.merge(classify(t.kernel()), ns, Long::sum);
            String role = role(t.task());
            long[] acc = roleNanosAndCount.computeIfAbsent(role, k -> new long[2]);
            acc[0] += ns;
            acc[1]++;
            roleKernel.putIfAbsent(role, t.kernel());
        }
        nanos.merge("copies+wait", r.copyInNanos() + r.copyOutNanos(), Long::sum);
        nanos.merge("total", r.totalNanos(), Long::sum);
    }

    /** "decode.l12_q_proj" → "q_proj": graph and layer prefixes dropped; other names keep the rest. */
    static String role(String qualifiedTask) {
        String task = qualifiedTask.substring(qualifiedTask.lastIndexOf('.') + 1);
        if (task.length() > 1 && task.charAt(0) == 'l' && Character.isDigit(task.charAt(1))) {
            int u = task.indexOf('_');
            if (u > 0 && task.substring(1, u).chars().allMatch(Character::isDigit)) return task.substring(u + 1);
        }
        return task;
    }

    /** The {@link #TOP} roles with the most time, largest first, per {@code per} (e.g. decode steps). */
    List<BenchResults.KernelTime> top(double per) {
        List<BenchResults.KernelTime> out = new ArrayList<>();
        roleNanosAndCount.forEach((role, acc) ->
                out.add(new BenchResults.KernelTime(role, roleKernel.get(role), acc[1] / per, acc[0] / 1e6 / per)));
        out.sort(Comparator.comparingDouble(BenchResults.KernelTime::ms).reversed());
        return List.copyOf(out.subList(0, Math.min(TOP, out.size())));
    }

    int executes() {
        return executes;
    }

    /** Milliseconds per class, divided by {@code per} (e.g. decode steps). */
    Map<String, Double> millis(double per) {
        Map<String, Double> out = new LinkedHashMap<>();
        nanos.forEach((k, v) -> out.put(k, v / 1e6 / per));
        return out;
    }
}
