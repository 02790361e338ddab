package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import ai.kimitornado.tasks.catalogue.Catalogue;
import ai.kimitornado.tasks.catalogue.CatalogueEntry;
import ai.kimitornado.tasks.emit.ptx.GpuBenchKernels;
import ai.kimitornado.tasks.emit.ptx.PtxEmitter;
import ai.kimitornado.tasks.emit.ptx.PtxKernel;
import ai.kimitornado.tasks.emit.ptx.PtxTarget;
import ai.kimitornado.tasks.jit.KernelCompiler;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.runtime.CatalogueRunner;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;

/**
 * The H200 run of the PTX backend (no Maven there): launch overhead plain vs CUDA-graph replay, a large
 * device-to-device copy, bf16 GEMVs at the model's shapes through the JIT, the ULP error of the PTX
 * math lowerings, the tensor-core GEMM (KernelContext.mmaBf16, 4096³, TFLOPS), and the JIT catalogue on cuda:0 through the whole runtime against plain Java. Writes {@code cuda-h200.json} and a log into the directory given as the first argument.
 * <pre>java --enable-native-access=ALL-UNNAMED -cp tornado-tasks/target/classes:tornado-tasks/target/test-classes \
 *     ai.kimitornado.tasks.backend.cuda.CudaDeviceRun $OUT</pre>
 */
public final class CudaDeviceRun {
    private final CudaContext context;
    private final CudaStream stream;
    private final PtxTarget target;
    private final List<String> json = new ArrayList<>();
    private final long seed = System.nanoTime();

    private CudaDeviceRun(CudaContext context) {
        this.context = context;
        this.stream = context.createStream();
        CudaDeviceInfo d = context.device();
        this.target = PtxTarget.forComputeCapability(d.computeMajor(), d.computeMinor());
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "bench/results");
        Files.createDirectories(out);
        CudaPlatform platform = CudaPlatform.get();
        if (platform.devices().isEmpty()) {
            System.out.println("no CUDA device: " + platform.unavailableReason().orElse("?"));
            System.exit(2);
        }
        CudaDeviceRun run = new CudaDeviceRun(platform.context(0));
        run.all(out);
    }

    private void all(Path out) throws IOException {
        CudaDeviceInfo d = context.device();
        System.out.println(d.describe() + "  seed " + seed);
        json.add("\"device\": {\"id\": \"" + d.id() + "\", \"name\": \"" + d.name() + "\", \"arch\": \"" + d.smArchitecture()
                + "\", \"sms\": " + d.multiprocessors() + ", \"memory_bytes\": " + d.totalMemoryBytes()
                + ", \"driver\": \"" + d.driverVersionText() + "\", \"theoretical_gbs\": " + fmt(d.theoreticalBandwidthGBs())
                + ", \"ptx_isa\": \"" + target.isaMajor() + "." + target.isaMinor() + "\", \"seed\": " + seed + "}");
        section("launch_overhead", this::launchOverhead);
        double copyGBs = copyBandwidth();
        section("gemv_bf16", () -> gemvs(copyGBs));
        section("math_ulp", this::mathAccuracy);
        section("mma_gemm", () -> "[" + ai.kimitornado.tasks.runtime.MmaGemmBench.measure(d.id(), false, 4096, 4096, 4096, 20)
                + ", " + ai.kimitornado.tasks.runtime.MmaGemmBench.measure(d.id(), true, 4096, 4096, 4096, 20) + "]");
        section("catalogue", this::catalogue);
        String text = "{\n  " + String.join(",\n  ", json) + "\n}\n";
        Files.writeString(out.resolve("cuda-h200.json"), text);
        System.out.println(text);
    }

    private void section(String name, java.util.function.Supplier<String> body) {
        try {
            json.add("\"" + name + "\": " + body.get());
        } catch (RuntimeException e) {
            e.printStackTrace();
            json.add("\"" + name + "\": {\"error\": \"" + escape(e.toString()) + "\"}");
        }
    }

    // ---- compile through the JIT + PTX emitter + driver ----------------------------------------------

    private record Loaded(KernelIR ir, CudaFunction function, PtxKernel ptx, float jitMillis) {}

    private Loaded load(String kernel) {
        KernelIR ir = KernelCompiler.frontEnd(KernelRef.of(GpuBenchKernels.class, kernel));
        PtxKernel ptx = PtxEmitter.emit(ir, target);
        CudaModule module = context.loadPtx(ptx.source(), "GpuBenchKernels." + kernel);
        return new Loaded(ir, module.function(ptx.entryName()), ptx, module.jitMillis());
    }

    // ---- launch overhead ------------------------------------------------------------------------------

    private String launchOverhead() {
        Loaded empty = load("empty");
        try (CudaBuffer dummy = context.allocate(256, "dummy")) {
            KernelParams params = new KernelParams(empty.ir().deviceArgs().size());
            PtxArguments.bind(empty.ir(), params, i -> dummy.address(), i -> null, i -> 64);
            LaunchGeometry one = LaunchGeometry.of1D(1, 32);
            int n = 20_000;
            for (int i = 0; i < 2000; i++) {
                empty.function().launch(one, params, stream);
            }
            stream.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                empty.function().launch(one, params, stream);
            }
            long enqueued = System.nanoTime();
            stream.synchronize();
            long done = System.nanoTime();
            double enqueueUs = (enqueued - t0) / 1e3 / n;
            double throughputUs = (done - t0) / 1e3 / n;
            // round trip: one launch then wait, median of 1000
            double[] rt = new double[1000];
            for (int i = 0; i < rt.length; i++) {
                long s = System.nanoTime();
                empty.function().launch(one, params, stream);
                stream.synchronize();
                rt[i] = (System.nanoTime() - s) / 1e3;
            }
            Arrays.sort(rt);
            // graph: capture 100 launches, replay
            int perGraph = 100;
            int replays = 400;
            double graphPerKernelUs;
            double graphLaunchHostUs;
            double graphRoundTripUs;
            try (CudaGraph graph = stream.capture(() -> {
                for (int i = 0; i < perGraph; i++) {
                    empty.function().launch(one, params, stream);
                }
            }, "100 empty launches")) {
                graph.upload(stream);
                for (int i = 0; i < 20; i++) {
                    graph.launch(stream);
                }
                stream.synchronize();
                long g0 = System.nanoTime();
                for (int i = 0; i < replays; i++) {
                    graph.launch(stream);
                }
                long gEnq = System.nanoTime();
                stream.synchronize();
                long gDone = System.nanoTime();
                graphPerKernelUs = (gDone - g0) / 1e3 / (replays * (double) perGraph);
                graphLaunchHostUs = (gEnq - g0) / 1e3 / replays;
                double[] grt = new double[200];
                for (int i = 0; i < grt.length; i++) {
                    long s = System.nanoTime();
                    graph.launch(stream);
                    stream.synchronize();
                    grt[i] = (System.nanoTime() - s) / 1e3;
                }
                Arrays.sort(grt);
                graphRoundTripUs = grt[grt.length / 2];
            }
            System.out.printf(Locale.ROOT, "launch: enqueue %.2f µs, back-to-back %.2f µs/kernel, round trip %.1f µs; "
                    + "graph of %d: %.2f µs/kernel, %.2f µs host per graph launch, graph round trip %.1f µs%n",
                    enqueueUs, throughputUs, rt[rt.length / 2], perGraph, graphPerKernelUs, graphLaunchHostUs, graphRoundTripUs);
            return "{\"kernel\": \"GpuBenchKernels.empty (JIT → PTX)\", \"launches\": " + n
                    + ", \"enqueue_us_per_launch\": " + fmt(enqueueUs)
                    + ", \"back_to_back_us_per_kernel\": " + fmt(throughputUs)
                    + ", \"launch_sync_round_trip_us_median\": " + fmt(rt[rt.length / 2])
                    + ", \"graph_kernels_per_graph\": " + perGraph
                    + ", \"graph_replay_us_per_kernel\": " + fmt(graphPerKernelUs)
                    + ", \"graph_launch_host_us\": " + fmt(graphLaunchHostUs)
                    + ", \"graph_round_trip_us_median\": " + fmt(graphRoundTripUs)
                    + ", \"driver_jit_ms\": " + fmt(empty.jitMillis()) + "}";
        }
    }

    // ---- device-to-device copy ------------------------------------------------------------------------

    private double lastCopyGBs;

    private double copyBandwidth() {
        section("d2d_copy", () -> {
            long bytes = 2L << 30;
            try (CudaBuffer a = context.allocate(bytes, "copy source");
                 CudaBuffer b = context.allocate(bytes, "copy destination");
                 CudaEvent start = context.createEvent();
                 CudaEvent end = context.createEvent()) {
                a.fill32(0x3f800000, stream);
                b.copyFrom(a, bytes, stream);
                int iterations = 20;
                start.record(stream);
                for (int i = 0; i < iterations; i++) {
                    b.copyFrom(a, bytes, stream);
                }
                end.record(stream);
                end.synchronize();
                double seconds = start.elapsedMillis(end) / 1e3;
                lastCopyGBs = 2.0 * bytes * iterations / seconds / 1e9;
                System.out.printf(Locale.ROOT, "d2d copy of %d MiB: %.0f GB/s (read + write)%n", bytes >> 20, lastCopyGBs);
                return "{\"bytes\": " + bytes + ", \"iterations\": " + iterations + ", \"gbs_read_plus_write\": "
                        + fmt(lastCopyGBs) + ", \"ms_per_copy\": " + fmt(seconds * 1e3 / iterations) + "}";
            }
        });
        return lastCopyGBs;
    }

    // ---- GEMV ------------------------------------------------------------------------------------------

    private String gemvs(double copyGBs) {
        List<String> variants = new ArrayList<>();
        for (String kernel : List.of("gemvBf16", "gemvBf16Rows4", "gemvBf16Warp")) {
            Loaded gemv = load(kernel);
            List<String> rows = new ArrayList<>();
            for (int[] shape : new int[][] {{4096, 2304}, {163_840, 2304}}) {
                rows.add(gemv(gemv, shape[0], shape[1], copyGBs));
            }
            variants.add("{\"kernel\": \"GpuBenchKernels." + kernel + " (JIT → PTX)\", \"registers\": "
                    + gemv.function().registers() + ", \"shapes\": [" + String.join(", ", rows) + "]}");
        }
        return "[" + String.join(",\n    ", variants) + "]";
    }

    private String gemv(Loaded gemv, int rows, int cols, double copyGBs) {
        long wBytes = (long) rows * cols * 2;
        SplittableRandom random = new SplittableRandom(seed + rows);
        try (Arena arena = Arena.ofConfined();
             CudaBuffer w = context.allocate(wBytes, "W bf16 [" + rows + "][" + cols + "]");
             CudaBuffer x = context.allocate(4L * cols, "x [" + cols + "]");
             CudaBuffer y = context.allocate(4L * rows, "y [" + rows + "]");
             CudaEvent start = context.createEvent();
             CudaEvent end = context.createEvent()) {
            MemorySegment hw = arena.allocate(wBytes, 64); // [rows][cols] bf16 bits
            for (long i = 0; i < wBytes / 2; i++) {
                // bf16 of a uniform value in [-1, 1): top 16 bits of the float
                hw.setAtIndex(JAVA_SHORT, i, (short) (Float.floatToRawIntBits((float) (random.nextDouble() * 2 - 1)) >>> 16));
            }
            MemorySegment hx = arena.allocate(JAVA_FLOAT, cols); // [cols]
            for (int i = 0; i < cols; i++) {
                hx.setAtIndex(JAVA_FLOAT, i, (float) (random.nextDouble() * 2 - 1));
            }
            MemorySegment hy = arena.allocate(JAVA_FLOAT, rows); // [rows]
            w.copyFromHost(hw, 0, wBytes, stream);
            x.copyFromHost(hx, 0, hx.byteSize(), stream);
            y.fill32(0x7fc00000, stream); // NaN poison
            KernelParams params = new KernelParams(gemv.ir().deviceArgs().size());
            CudaBuffer[] buffers = {null, w, x, y};
            PtxArguments.bind(gemv.ir(), params, i -> buffers[i].address(), i -> cols, i -> (int) (buffers[i].bytes() / 4));
            boolean fourRows = gemv.ir().name().endsWith("Rows4");
            boolean warpRows = gemv.ir().name().endsWith("Warp"); // one warp per row, 8 rows per group
            LaunchGeometry geometry = warpRows
                    ? LaunchGeometry.of1D(rows / GpuBenchKernels.WARP_ROWS_PER_GROUP, GpuBenchKernels.WARP_ROWS_PER_GROUP * 32)
                    : fourRows
                    ? LaunchGeometry.of1D(rows / GpuBenchKernels.ROWS_PER_GROUP, GpuBenchKernels.ROWS_PER_GROUP * GpuBenchKernels.ROW_THREADS)
                    : LaunchGeometry.of1D(rows, GpuBenchKernels.GEMV_THREADS);
            gemv.function().launch(geometry, params, stream);
            y.copyToHost(hy, 0, hy.byteSize(), stream);
            stream.synchronize();
            int checked = 0;
            double worst = 0;
            for (int r = 0; r < rows; r += Math.max(1, rows / 512)) {
                double exact = 0;
                double magnitude = 0;
                for (int c = 0; c < cols; c++) {
                    double wv = Float.intBitsToFloat(hw.getAtIndex(JAVA_SHORT, (long) r * cols + c) << 16);
                    double xv = hx.getAtIndex(JAVA_FLOAT, c);
                    exact += wv * xv;
                    magnitude += Math.abs(wv * xv);
                }
                double err = Math.abs(hy.getAtIndex(JAVA_FLOAT, r) - exact) / (magnitude + 1e-30);
                if (!(err <= 1e-5)) {
                    throw new IllegalStateException("gemv [" + cols + "→" + rows + "] row " + r + ": device "
                            + hy.getAtIndex(JAVA_FLOAT, r) + " vs " + exact + " (seed " + seed + ")");
                }
                worst = Math.max(worst, err);
                checked++;
            }
            for (int i = 0; i < 3; i++) {
                gemv.function().launch(geometry, params, stream);
            }
            int iterations = rows > 10_000 ? 50 : 2000;
            start.record(stream);
            for (int i = 0; i < iterations; i++) {
                gemv.function().launch(geometry, params, stream);
            }
            end.record(stream);
            end.synchronize();
            double seconds = start.elapsedMillis(end) / 1e3 / iterations;
            long bytes = wBytes + 4L * cols + 4L * rows;
            double gbs = bytes / seconds / 1e9;
            // graph replay of the same launches: removes the per-launch gap from small GEMVs
            double graphSeconds;
            int perGraph = rows > 10_000 ? 10 : 100;
            try (CudaGraph graph = stream.capture(() -> {
                for (int i = 0; i < perGraph; i++) {
                    gemv.function().launch(geometry, params, stream);
                }
            }, "gemv x" + perGraph)) {
                graph.launch(stream);
                start.record(stream);
                int replays = Math.max(1, iterations / perGraph);
                for (int i = 0; i < replays; i++) {
                    graph.launch(stream);
                }
                end.record(stream);
                end.synchronize();
                graphSeconds = start.elapsedMillis(end) / 1e3 / (replays * (double) perGraph);
            }
            double graphGbs = bytes / graphSeconds / 1e9;
            System.out.printf(Locale.ROOT, gemv.ir().name() + " [%d→%d]: %.1f µs, %.0f GB/s = %.0f%% of copy; graph %.1f µs, %.0f GB/s = %.0f%%;"
                            + " %d rows checked, worst rel err %.2e%n", cols, rows, seconds * 1e6, gbs, 100 * gbs / copyGBs,
                    graphSeconds * 1e6, graphGbs, 100 * graphGbs / copyGBs, checked, worst);
            return "{\"in\": " + cols + ", \"out\": " + rows + ", \"bytes\": " + bytes + ", \"us\": " + fmt(seconds * 1e6)
                    + ", \"gbs\": " + fmt(gbs) + ", \"fraction_of_copy\": " + fmt(gbs / copyGBs)
                    + ", \"graph_us\": " + fmt(graphSeconds * 1e6) + ", \"graph_gbs\": " + fmt(graphGbs)
                    + ", \"graph_fraction_of_copy\": " + fmt(graphGbs / copyGBs)
                    + ", \"rows_checked\": " + checked + ", \"worst_rel_err\": " + String.format(Locale.ROOT, "%.3e", worst) + "}";
        }
    }

    // ---- math accuracy ----------------------------------------------------------------------------------

    private String mathAccuracy() {
        List<String> rows = new ArrayList<>();
        rows.add(ulpF("expF", x -> Math.exp(x), -100, 90));
        rows.add(ulpF("logF", x -> Math.log(x), 0, 1e30));
        rows.add(ulpF("logF", x -> Math.log(x), 0, 4));
        rows.add(ulpF("sinF", x -> Math.sin(x), -10, 10));
        rows.add(ulpF("sinF", x -> Math.sin(x), -1e6, 1e6));
        rows.add(ulpF("cosF", x -> Math.cos(x), -10, 10));
        rows.add(ulpF("cosF", x -> Math.cos(x), -1e6, 1e6));
        rows.add(ulpF("tanhF", x -> Math.tanh(x), -10, 10));
        rows.add(ulpF("tanhF", x -> Math.tanh(x), -0.01, 0.01));
        rows.add(ulpF("rsqrtF", x -> 1.0 / Math.sqrt(x), 0, 1e6));
        rows.add(ulpF("sqrtF", x -> Math.sqrt(x), 0, 1e6));
        rows.add(ulpF("powF", x -> Math.pow((float) x, 2.5f - (float) x / 8f), -20, 20));
        rows.add(ulpF("remF", x -> (float) x % 0.7f, -1e4, 1e4));
        rows.add(ulpD("expD", Math::exp, -745, 709));
        rows.add(ulpD("logD", Math::log, 0, 1e300));
        rows.add(ulpD("logD", Math::log, 0.5, 2));
        return "[" + String.join(",\n    ", rows) + "]";
    }

    private String ulpF(String kernel, DoubleUnaryOperator reference, double lo, double hi) {
        int n = 1 << 20;
        Loaded k = load(kernel);
        SplittableRandom random = new SplittableRandom(seed ^ kernel.hashCode());
        try (Arena arena = Arena.ofConfined();
             CudaBuffer in = context.allocate(4L * n, "in");
             CudaBuffer out = context.allocate(4L * n, "out")) {
            MemorySegment hin = arena.allocate(JAVA_FLOAT, n); // [n]
            MemorySegment hout = arena.allocate(JAVA_FLOAT, n); // [n]
            for (int i = 0; i < n; i++) {
                hin.setAtIndex(JAVA_FLOAT, i, (float) (lo + (hi - lo) * random.nextDouble()));
            }
            // the specials every implementation gets wrong first
            float[] specials = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, 1e-20f, 88.7f, -103f, 0.5f, 2f};
            for (int i = 0; i < specials.length; i++) {
                hin.setAtIndex(JAVA_FLOAT, i, specials[i]);
            }
            in.copyFromHost(hin, 0, hin.byteSize(), stream);
            out.fill32(0x7fc00000, stream);
            KernelParams params = new KernelParams(k.ir().deviceArgs().size());
            CudaBuffer[] buffers = {in, out};
            PtxArguments.bind(k.ir(), params, i -> buffers[i].address(), i -> null, i -> n);
            k.function().launch(LaunchGeometry.of1D(1024, 256), params, stream);
            out.copyToHost(hout, 0, hout.byteSize(), stream);
            stream.synchronize();
            long maxUlp = 0;
            float worstX = 0;
            int specialMismatches = 0;
            List<String> specialNotes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                float x = hin.getAtIndex(JAVA_FLOAT, i);
                float expected = (float) reference.applyAsDouble(x);
                float got = hout.getAtIndex(JAVA_FLOAT, i);
                long ulp = ulps(expected, got);
                if (i < specials.length && ulp != 0) {
                    specialMismatches++;
                    specialNotes.add(x + "→" + got + " (Java " + expected + ")");
                }
                if (ulp > maxUlp && i >= specials.length) {
                    maxUlp = ulp;
                    worstX = x;
                }
            }
            System.out.printf(Locale.ROOT, "%-6s [%g, %g]: max %d ulp at %s; specials differing: %s%n", kernel, lo, hi, maxUlp,
                    worstX, specialNotes);
            return "{\"kernel\": \"" + kernel + "\", \"range\": [" + lo + ", " + hi + "], \"samples\": " + n
                    + ", \"max_ulp\": " + maxUlp + ", \"worst_x\": " + worstX + ", \"special_mismatches\": " + specialMismatches
                    + ", \"special_notes\": \"" + escape(String.join("; ", specialNotes)) + "\"}";
        }
    }

    private String ulpD(String kernel, DoubleUnaryOperator reference, double lo, double hi) {
        int n = 1 << 20;
        Loaded k = load(kernel);
        SplittableRandom random = new SplittableRandom(seed ^ kernel.hashCode() ^ 7);
        try (Arena arena = Arena.ofConfined();
             CudaBuffer in = context.allocate(8L * n, "in");
             CudaBuffer out = context.allocate(8L * n, "out")) {
            MemorySegment hin = arena.allocate(JAVA_DOUBLE, n); // [n]
            MemorySegment hout = arena.allocate(JAVA_DOUBLE, n); // [n]
            for (int i = 0; i < n; i++) {
                hin.setAtIndex(JAVA_DOUBLE, i, lo + (hi - lo) * random.nextDouble());
            }
            double[] specials = {0.0, -0.0, Double.MIN_VALUE, Double.MIN_NORMAL, 1.0, -1.0, Double.MAX_VALUE,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN, 709.78, -745.1};
            for (int i = 0; i < specials.length; i++) {
                hin.setAtIndex(JAVA_DOUBLE, i, specials[i]);
            }
            in.copyFromHost(hin, 0, hin.byteSize(), stream);
            out.fill32(-1, stream);
            KernelParams params = new KernelParams(k.ir().deviceArgs().size());
            CudaBuffer[] buffers = {in, out};
            PtxArguments.bind(k.ir(), params, i -> buffers[i].address(), i -> null, i -> n);
            k.function().launch(LaunchGeometry.of1D(1024, 256), params, stream);
            out.copyToHost(hout, 0, hout.byteSize(), stream);
            stream.synchronize();
            long maxUlp = 0;
            double worstX = 0;
            List<String> specialNotes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                double x = hin.getAtIndex(JAVA_DOUBLE, i);
                double expected = reference.applyAsDouble(x);
                double got = hout.getAtIndex(JAVA_DOUBLE, i);
                long ulp = ulps(expected, got);
                if (i < specials.length && ulp != 0) {
                    specialNotes.add(x + "→" + got + " (Java " + expected + ")");
                }
                if (ulp > maxUlp && i >= specials.length) {
                    maxUlp = ulp;
                    worstX = x;
                }
            }
            System.out.printf(Locale.ROOT, "%-6s [%g, %g]: max %d ulp at %s; specials differing: %s%n", kernel, lo, hi, maxUlp,
                    worstX, specialNotes);
            return "{\"kernel\": \"" + kernel + "\", \"range\": [" + lo + ", " + hi + "], \"samples\": " + n
                    + ", \"max_ulp\": " + maxUlp + ", \"worst_x\": " + worstX + ", \"special_notes\": \""
                    + escape(String.join("; ", specialNotes)) + "\"}";
        }
    }

    /** Distance in units in the last place; NaN vs NaN is 0, NaN vs a number is "infinite". */
    static long ulps(float expected, float got) {
        if (Float.isNaN(expected) || Float.isNaN(got)) {
            return Float.isNaN(expected) && Float.isNaN(got) ? 0 : Long.MAX_VALUE / 2;
        }
        return Math.abs(ordered(Float.floatToRawIntBits(expected)) - ordered(Float.floatToRawIntBits(got)));
    }

    static long ulps(double expected, double got) {
        if (Double.isNaN(expected) || Double.isNaN(got)) {
            return Double.isNaN(expected) && Double.isNaN(got) ? 0 : Long.MAX_VALUE / 2;
        }
        long a = Double.doubleToRawLongBits(expected);
        long b = Double.doubleToRawLongBits(got);
        a = a < 0 ? Long.MIN_VALUE - a : a;
        b = b < 0 ? Long.MIN_VALUE - b : b;
        return Math.abs(a - b);
    }

    private static long ordered(int bits) {
        return bits < 0 ? (long) Integer.MIN_VALUE - bits : bits;
    }

    // ---- catalogue ----------------------------------------------------------------------------------------

    /** The catalogue through the whole runtime (TaskGraph → plan → cuda backend) against plain Java. */
    private String catalogue() {
        Device device = DeviceRegistry.get().device(context.device().id());
        List<String> rows = new ArrayList<>();
        int passed = 0;
        for (CatalogueEntry e : Catalogue.ENTRIES) {
            long entrySeed = System.nanoTime();
            CatalogueRunner.Outcome o;
            try {
                o = CatalogueRunner.run(e, device, entrySeed);
            } catch (RuntimeException ex) {
                o = new CatalogueRunner.Outcome(e.name(), device.id(), entrySeed, ex.toString(), -1, -1, -1);
            }
            passed += o.failure() == null ? 1 : 0;
            System.out.println((o.failure() == null ? "pass " : "FAIL ") + e.name() + " on " + device.id()
                    + (o.failure() == null ? "" : ": " + o.failure()));
            rows.add(String.format(Locale.ROOT, "{\"kernel\": \"%s\", \"seed\": %d, \"status\": \"%s\", \"compile_ms\": %.3f, "
                            + "\"kernel_us\": %.2f, \"launch_us\": %.2f%s}", e.name(), entrySeed, o.failure() == null ? "pass" : "FAIL",
                    o.compileNanos() / 1e6, o.kernelNanos() / 1e3, o.launchNanos() / 1e3,
                    o.failure() == null ? "" : ", \"failure\": \"" + escape(o.failure()) + "\""));
        }
        return "{\"device\": \"" + device.id() + "\", \"pass\": " + passed + ", \"total\": " + Catalogue.ENTRIES.size()
                + ", \"entries\": [\n    " + String.join(",\n    ", rows) + "]}";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
