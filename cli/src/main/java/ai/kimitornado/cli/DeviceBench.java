package ai.kimitornado.cli;

import ai.kimitornado.model.graph.DeviceEngine;
import ai.kimitornado.model.graph.RuntimeGraphExecutor;
import ai.kimitornado.tasks.api.TornadoProfilerResult;
import ai.kimitornado.tasks.backend.cuda.CudaComputeDevice;
import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.jit.JitPhases;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.runtime.CompileReport;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Benchmarks the model on one device: copy bandwidth, JIT cold and cached, weight upload, then {@code repeat} rounds
 * of prefill + decode per prompt length, then one profiled round for the per-kernel-class breakdown.
 */
final class DeviceBench {
    /** Decode steps of each sequence left out of the TPOT samples. */
    static final int DECODE_WARMUP = 1;

    /** @param cudaGraphs replay captured CUDA graphs on cuda devices (RuntimeGraphExecutor#setCudaGraphs) */
    /** @param jitCache kernel cache directory to use and keep (null: a temporary one, deleted afterwards) */
    record Settings(List<Integer> promptLens, int genLen, int repeat, int prefillChunk, long seed, boolean coldJit, long copyBytes,
                    boolean cudaGraphs, Path jitCache) {
        Settings(List<Integer> promptLens, int genLen, int repeat, int prefillChunk, long seed, boolean coldJit, long copyBytes,
                 boolean cudaGraphs) {
            this(promptLens, genLen, repeat, prefillChunk, seed, coldJit, copyBytes, cudaGraphs, null);
        }
    }

    private final BenchModel model;
    private final DecodeTraffic traffic;
    private final Settings settings;
    private final PrintStream log;

    DeviceBench(BenchModel model, DecodeTraffic traffic, Settings settings, PrintStream log) {
        this.model = model;
        this.traffic = traffic;
        this.settings = settings;
        this.log = log;
    }

    /** First executes of a fresh engine: compile and weight-upload times, and how the kernels were loaded. */
    private record Opened(DeviceEngine engine, RuntimeGraphExecutor executor, double compileMs, double uploadMs,
                          CompileReport report, long cacheRejected, KernelCache.DiskReads disk) {
    }

    BenchResults.Device run(String deviceId) {
        long t0 = System.nanoTime();
        Device device = DeviceRegistry.get().device(deviceId);
        DeviceInfo info = device.info();
        long copyBytes = settings.copyBytes() > 0 ? settings.copyBytes()
                : "GPU".equalsIgnoreCase(info.type()) || "cuda".equals(info.backend()) ? 256L << 20 : 64L << 20;
        CopyBandwidth copy = CopyBandwidth.measure(info, copyBytes, 5);
        log.printf("  %s: copy bandwidth %.1f GB/s (best of 5, %d MiB buffers)%n", deviceId, copy.bestGBs(), copyBytes >> 20);

        Path cache = settings.jitCache() != null ? settings.jitCache() : tempDir();
        try {
            List<Double> uploads = new ArrayList<>();
            List<BenchResults.JitOpen> opens = new ArrayList<>();
            String driverCacheBefore = DriverCaches.describe(info);
            Opened first = open(deviceId, cache);
            uploads.add(first.uploadMs());
            // our disk cache decides what the first open was (drivers' caches are not ours to clear)
            String firstWhat = first.disk().hits() == 0 ? "cold" : first.disk().misses() == 0 ? "first open, disk cache"
                    : "first open, disk cache partly filled";
            BenchResults.JitOpen firstOpen = describe(first, firstWhat, driverCacheBefore, firstWhat.equals("cold")
                    ? "our disk cache: no entry for this device's kernels; front-end IR: in memory only for kernels an"
                    + " earlier device of this run compiled; driver caches (NVIDIA ComputeCache, PoCL kcache): not cleared,"
                    + " they keep what earlier runs left"
                    : "our disk cache: " + first.disk().hits() + " entries found, " + first.disk().misses() + " missing (--jit-cache "
                    + cache + "); in-memory layers of this device: empty; front-end IR: parsed again unless an earlier device"
                    + " of this run compiled the kernels; driver caches: not cleared, they keep what earlier runs left");
            opens.add(firstOpen);
            log.printf("  %s: %s JIT %.1f ms (%s), weights %.1f ms; driver cache before: %s%n", deviceId, firstOpen.what(),
                    first.compileMs(), first.report(), first.uploadMs(), driverCacheBefore);
            Opened warm = first;
            if (settings.coldJit()) {
                first.engine().close();
                String dropped = dropInMemoryCaches(device);
                String driverCacheNow = DriverCaches.describe(info);
                // another Path for the same directory: the JIT's per-directory in-memory cache starts empty, so it reads disk
                warm = open(deviceId, cache.resolve("."));
                uploads.add(warm.uploadMs());
                BenchResults.JitOpen second = describe(warm, "same process, disk cache", driverCacheNow, "our disk cache: filled by the open before;"
                        + " front-end IR: warm in memory (a fresh process parses bytecode again: run bench twice with --jit-cache DIR);"
                        + " " + dropped + "; driver caches: warm from the open before");
                opens.add(second);
                log.printf("  %s: %s JIT %.1f ms (%s), weights %.1f ms%n", deviceId, second.what(), warm.compileMs(), warm.report(),
                        warm.uploadMs());
            }
            Double coldMs = firstOpen.what().equals("cold") ? first.compileMs() : null;
            Double cachedMs = firstOpen.what().equals("first open, disk cache") ? Double.valueOf(first.compileMs())
                    : opens.size() > 1 ? warm.compileMs() : null;
            String note = firstOpen.what().equals("first open, disk cache")
                    ? "cachedMs: the first open of this device in this process, every kernel from the disk cache (front end included"
                    + " unless an earlier device of this run compiled the same kernels: run one device per process for that)"
                    : opens.size() > 1 ? "cachedMs: second open in the same process (front-end IR warm; see opens[1].cacheState);"
                    + " run bench again with the same --jit-cache DIR for the fresh-process figure"
                    : "one open only (--no-cold-jit) over an empty cache: the cached figure was not measured";
            try (DeviceEngine engine = warm.engine()) {
                List<BenchResults.Prompt> prompts = measure(engine, copy);
                List<BenchResults.Breakdown> breakdown = profile(engine, warm.executor(), info.backend());
                TornadoProfilerResult last = warm.executor().lastProfile();
                return new BenchResults.Device(deviceId, info.name(), info.backend(), copy,
                        new BenchResults.Jit(coldMs, cachedMs, note, opens), model.weightLoad(),
                        Spread.of(uploads.stream().mapToDouble(Double::doubleValue).toArray()),
                        last == null ? 0 : last.deviceBytes(), prompts, breakdown, (System.nanoTime() - t0) / 1e9);
            }
        } finally {
            if (settings.jitCache() == null) deleteTree(cache);
        }
    }

    private static BenchResults.JitOpen describe(Opened o, String what, String driverCache, String cacheState) {
        CompileReport r = o.report();
        Map<String, BenchResults.Phase> phases = new LinkedHashMap<>();
        for (JitPhases.Phase p : r.phases().ran()) {
            phases.put(p.name().toLowerCase(Locale.ROOT), new BenchResults.Phase(r.phases().millis(p), r.phases().cpuMillis(p),
                    r.phases().count(p)));
        }
        return new BenchResults.JitOpen(what, cacheState, driverCache, o.compileMs(), r.bindMillis(), r.tasks(), r.kernels(),
                r.phases().count(JitPhases.Phase.DRIVER_FROM_SOURCE), r.phases().count(JitPhases.Phase.DRIVER_FROM_CACHE),
                r.threads(), o.cacheRejected(), phases);
    }

    private Opened open(String deviceId, Path cacheDir) {
        RuntimeGraphExecutor executor = RuntimeGraphExecutor.on(deviceId, cacheDir);
        executor.setCudaGraphs(settings.cudaGraphs());
        int maxContext = settings.promptLens().stream().mapToInt(Integer::intValue).max().orElseThrow() + settings.genLen() + 1;
        List<TornadoProfilerResult> first = new ArrayList<>();
        executor.setProfileListener(first::add); // before open: random weights run their init graph while opening
        long rejectedBefore = KernelCache.rejectedInProcess();
        KernelCache.DiskReads diskBefore = KernelCache.diskReadsInProcess();
        DeviceEngine engine = model.open(new DeviceEngine.Options(deviceId, maxContext, settings.prefillChunk(),
                ai.kimitornado.model.graph.SamplingSpec.GREEDY, false), executor);
        engine.reset();
        int next = engine.prefill(new int[] {1});
        engine.decode(next);
        executor.setProfileListener(null);
        CompileReport report = executor.compileReport();
        // prepare loads every kernel (report); anything compiled lazily at a launch after that shows in the profiles
        long lazy = first.stream().mapToLong(TornadoProfilerResult::compileNanos).sum();
        long compile = report.loadNanos() + lazy;
        TornadoProfilerResult head = first.get(0);
        // weights to device: their buffers are allocated when prepare binds the task arguments, then filled or uploaded
        long load = report.bindNanos() + (model.randomWeights() ? head.totalNanos() - head.compileNanos() : head.copyInNanos());
        return new Opened(engine, executor, compile / 1e6, load / 1e6, report, KernelCache.rejectedInProcess() - rejectedBefore,
                KernelCache.diskReadsInProcess().minus(diskBefore));
    }

    private List<BenchResults.Prompt> measure(DeviceEngine engine, CopyBandwidth copy) {
        int vocab = model.config().vocabSize();
        List<BenchResults.Prompt> out = new ArrayList<>();
        int n = settings.repeat();
        double[][] ttft = new double[settings.promptLens().size()][n];
        double[][] tpot = new double[ttft.length][n];
        double[][] tpot90 = new double[ttft.length][n];
        for (int rep = 0; rep < n; rep++) {
            for (int p = 0; p < ttft.length; p++) {
                int len = settings.promptLens().get(p);
                int[] ids = randomIds(new Random(settings.seed() + 1000L * rep + len), len, vocab);
                engine.reset();
                long t = System.nanoTime();
                int next = engine.prefill(ids);
                ttft[p][rep] = (System.nanoTime() - t) / 1e6;
                double[] steps = new double[settings.genLen() - DECODE_WARMUP];
                for (int g = 0; g < settings.genLen(); g++) {
                    long s = System.nanoTime();
                    next = engine.decode(next);
                    if (g >= DECODE_WARMUP) steps[g - DECODE_WARMUP] = (System.nanoTime() - s) / 1e6;
                }
                tpot[p][rep] = Spread.percentileOf(steps, 50);
                tpot90[p][rep] = Spread.percentileOf(steps, 90);
            }
        }
        for (int p = 0; p < ttft.length; p++) {
            int len = settings.promptLens().get(p);
            double[] prefillRate = new double[n];
            double[] decodeRate = new double[n];
            for (int r = 0; r < n; r++) {
                prefillRate[r] = len / (ttft[p][r] / 1e3);
                decodeRate[r] = 1e3 / tpot[p][r];
            }
            Spread tp = Spread.of(tpot[p]);
            long bytes = traffic.bytesPerToken(len + settings.genLen() / 2);
            double floorMs = bytes / (copy.bestGBs() * 1e9) * 1e3;
            out.add(new BenchResults.Prompt(len, Spread.of(ttft[p]), Spread.of(prefillRate), tp, Spread.of(tpot90[p]),
                    Spread.of(decodeRate), bytes, floorMs, floorMs / tp.median()));
        }
        return out;
    }

    /** One profiled prefill of the longest prompt and a few decode steps, summed per kernel class. */
    private List<BenchResults.Breakdown> profile(DeviceEngine engine, RuntimeGraphExecutor executor, String backend) {
        String source = "java".equals(backend) ? "launch wall time (java backend runs kernels at launch)" : "device events";
        int len = settings.promptLens().stream().mapToInt(Integer::intValue).max().orElseThrow();
        int steps = Math.min(settings.genLen(), 16);
        executor.setProfiling(true);
        try {
            KernelClasses prefill = new KernelClasses();
            executor.setProfileListener(prefill::add);
            engine.reset();
            int next = engine.prefill(randomIds(new Random(settings.seed()), len, model.config().vocabSize()));
            KernelClasses decode = new KernelClasses();
            executor.setProfileListener(decode::add);
            for (int g = 0; g < steps; g++) next = engine.decode(next);
            return List.of(new BenchResults.Breakdown("prefill", len, prefill.executes(), source, prefill.millis(1),
                            prefill.top(1)),
                    new BenchResults.Breakdown("decode", len, decode.executes(), source, decode.millis(steps),
                            decode.top(steps)));
        } finally {
            executor.setProfileListener(null);
            executor.setProfiling(false);
        }
    }

    /** Drops what the device keeps in memory (built programs, loaded modules) so the next open reads the disk cache. */
    private static String dropInMemoryCaches(Device device) {
        if (device instanceof OpenClDevice cl) {
            cl.clearProgramCache();
            return "OpenCL programs dropped, binaries read from the disk cache and built by the driver again";
        }
        if (device instanceof CudaComputeDevice cuda) {
            cuda.clearModuleCache();
            return "CUDA modules unloaded, PTX read from the disk cache and loaded by the driver again";
        }
        return "in-memory programs of " + device.info().backend() + " kept";
    }

    static int[] randomIds(Random random, int length, int vocab) {
        int[] ids = new int[length];
        for (int i = 0; i < length; i++) ids[i] = random.nextInt(vocab);
        return ids;
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("kimi-bench-jit-");
        } catch (IOException e) {
            throw new UncheckedIOException("bench: cannot create a temporary kernel cache directory", e);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a leftover temp directory is harmless
        }
    }
}
