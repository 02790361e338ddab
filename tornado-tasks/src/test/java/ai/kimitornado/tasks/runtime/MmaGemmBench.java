package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.TornadoExecutionResult;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.emit.ptx.GpuBenchKernels;
import ai.kimitornado.tasks.types.arrays.BFloat16Array;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Tensor-core GEMM throughput through the whole runtime: {@code GpuBenchKernels.gemmBf16Mma} (KernelContext.mmaBf16)
 * on m = n = k = size, bf16 inputs, fp32 out, timed by the profiler (device kernel time, median of the runs) and
 * checked on sampled outputs against a float64 dot product. On the H200:
 * <pre>java --enable-native-access=ALL-UNNAMED -cp tornado-tasks/target/classes:tornado-tasks/target/test-classes \
 *     ai.kimitornado.tasks.runtime.MmaGemmBench OUT.json [--size 4096] [--runs 20] cuda:0 opencl:1:0</pre>
 * Anywhere else (PoCL, java) it runs the exact emulation: use a small --size.
 */
public final class MmaGemmBench {
    private MmaGemmBench() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "mma-gemm.json");
        int size = 4096, runs = 20;
        List<String> devices = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = Integer.parseInt(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                default -> devices.add(args[i]);
            }
        }
        if (devices.isEmpty()) {
            devices.add("cuda:0");
        }
        List<String> rows = new ArrayList<>();
        for (String device : devices) {
            try {
                rows.add(measure(device, false, size, size, size, runs));
                rows.add(measure(device, true, size, size, size, runs));
            } catch (RuntimeException e) {
                e.printStackTrace();
                rows.add("{\"device\": \"" + device + "\", \"error\": \"" + e.toString().replace("\\", "\\\\").replace("\"", "'")
                        .replace("\n", " ") + "\"}");
            }
        }
        Files.writeString(out, "{\"benchmark\": \"GpuBenchKernels.gemmBf16Mma / gemmBf16MmaDoubleBuffered (KernelContext.mmaBf16, bf16 in, fp32 out)\","
                + " \"results\": [\n  " + String.join(",\n  ", rows) + "]}\n");
    }

    /** The single-buffered kernel (GpuBenchKernels.gemmBf16Mma) on one device. */
    public static String measure(String device, int m, int n, int k, int runs) {
        return measure(device, false, m, n, k, runs);
    }

    /**
     * One device and kernel (gemmBf16Mma, or gemmBf16MmaDoubleBuffered: two local stages, one barrier per stage):
     * m x n outputs over k; JSON with the median kernel time and TFLOPS.
     */
    public static String measure(String device, boolean doubleBuffered, int m, int n, int k, int runs) {
        String kernel = doubleBuffered ? "gemmBf16MmaDoubleBuffered" : "gemmBf16Mma";
        int block = GpuBenchKernels.MMA_BLOCK;
        if (m % block != 0 || n % block != 0 || k % GpuBenchKernels.MMA_BK != 0) {
            throw new IllegalArgumentException("gemmBf16Mma needs m, n multiples of " + block + " and k of "
                    + GpuBenchKernels.MMA_BK + " (got " + m + " x " + n + " x " + k + ")");
        }
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        BFloat16Array a = new BFloat16Array(m * k); // [m][k]
        BFloat16Array w = new BFloat16Array(n * k); // [n][k]
        for (int i = 0; i < m * k; i++) {
            a.setFloat(i, (float) (random.nextDouble() * 2 - 1));
        }
        for (int i = 0; i < n * k; i++) {
            w.setFloat(i, (float) (random.nextDouble() * 2 - 1));
        }
        FloatArray c = new FloatArray(m * n); // [m][n]
        c.init(Float.NaN);
        TaskGraph g = new TaskGraph("mma")
                .transferToDevice(DataTransferMode.FIRST_EXECUTION, a, w, c)
                .task("gemm", doubleBuffered ? GpuBenchKernels::gemmBf16MmaDoubleBuffered : GpuBenchKernels::gemmBf16Mma,
                        new KernelContext(), a, w, c, m, n, k)
                .transferToHost(DataTransferMode.UNDER_DEMAND, c);
        WorkerGrid1D grid = new WorkerGrid1D((long) (m / block) * (n / block) * GpuBenchKernels.MMA_GEMM_THREADS);
        grid.setLocalWork(GpuBenchKernels.MMA_GEMM_THREADS);
        long[] nanos = new long[runs];
        boolean nativeMma;
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(g.snapshot()).withDevice(device)
                .withGridScheduler(new GridScheduler("mma.gemm", grid)).withProfiler()) {
            nativeMma = ai.kimitornado.tasks.api.TornadoDevice.of(device).nativeMmaBf16();
            TornadoExecutionResult last = plan.execute(); // JIT + upload
            for (int i = 0; i < runs; i++) {
                last = plan.execute();
                nanos[i] = last.getProfilerResult().task("mma.gemm").kernelNanos();
            }
            last.transferToHost(c);
        }
        double worst = check(a, w, c, m, n, k, seed);
        Arrays.sort(nanos);
        double median = nanos[runs / 2] / 1e9;
        double tflops = 2.0 * m * n * k / median / 1e12;
        System.out.printf(Locale.ROOT, "%s: %s %d x %d x %d: median %.3f ms (min %.3f), %.1f TFLOPS, tensor cores %s,"
                        + " worst rel err %.2e (seed %d)%n", device, kernel, m, n, k, median * 1e3, nanos[0] / 1e6, tflops, nativeMma, worst, seed);
        return String.format(Locale.ROOT, "{\"device\": \"%s\", \"kernel\": \"%s\", \"m\": %d, \"n\": %d, \"k\": %d, \"tensor_cores\": %s,"
                        + " \"median_ms\": %.4f, \"min_ms\": %.4f, \"tflops\": %.2f, \"runs\": %d, \"worst_rel_err\": %.3e, \"seed\": %d}",
                device, kernel, m, n, k, nativeMma, median * 1e3, nanos[0] / 1e6, tflops, runs, worst, seed);
    }

    /** Sampled outputs against a float64 dot product: |device - exact| / Σ|products| must stay below 1e-5. */
    private static double check(BFloat16Array a, BFloat16Array w, FloatArray c, int m, int n, int k, long seed) {
        SplittableRandom pick = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double worst = 0;
        for (int s = 0; s < 512; s++) {
            int i = pick.nextInt(m), j = pick.nextInt(n);
            double exact = 0, magnitude = 0;
            for (int kk = 0; kk < k; kk++) {
                double p = (double) a.getFloat(i * k + kk) * w.getFloat(j * k + kk);
                exact += p;
                magnitude += Math.abs(p);
            }
            double err = Math.abs(c.get(i * n + j) - exact) / (magnitude + 1e-30);
            if (!(err <= 1e-5)) {
                throw new IllegalStateException("gemm out[" + i + "][" + j + "] = " + c.get(i * n + j) + ", expected "
                        + exact + " (seed " + seed + ")");
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }
}
