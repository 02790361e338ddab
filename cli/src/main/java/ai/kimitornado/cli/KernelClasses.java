package ai.kimitornado.cli;

import ai.kimitornado.tasks.api.TornadoProfilerResult;
import java.util.LinkedHashMap;
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

    private final Map<String, Long> nanos = new LinkedHashMap<>();
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
        }
        nanos.merge("copies+wait", r.copyInNanos() + r.copyOutNanos(), Long::sum);
        nanos.merge("total", r.totalNanos(), Long::sum);
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
