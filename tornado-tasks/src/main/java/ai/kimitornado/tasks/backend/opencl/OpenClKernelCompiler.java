package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.jit.JitPhases;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.runtime.CompileRequest;

import java.lang.foreign.Arena;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KernelIR → OpenCL C (OpenClEmitter) → cl_program, through two caches: built programs in memory per
 * device, and device binaries in the JIT's {@link KernelCache} (disk, under the plan's kernel cache
 * directory). Both are keyed by the emitted source itself (SHA-256, plus build options and device),
 * so a changed emitter or a source hook can never pick up a stale binary; emitting is cheap next to
 * a driver build. Thread-safe: different kernels build concurrently (the plan loads them on a pool), the same
 * kernel is built once and the other callers wait for it.
 */
final class OpenClKernelCompiler {
    /** One KernelCache per directory for the whole process (its memory layer is shared by plans). */
    private static final Map<Path, KernelCache> CACHES = new ConcurrentHashMap<>();

    private final OpenClDevice device;
    private final Map<String, CompletableFuture<ClProgram>> built = new ConcurrentHashMap<>();
    private final Arena arena = Arena.ofAuto();

    OpenClKernelCompiler(OpenClDevice device) {
        this.device = device;
    }

    /** The emitted program of one kernel for one source hook and option set, and its cache key. */
    private record Prepared(String source, String entryName, String options, String key) {}

    /** Identity of what {@link Prepared} depends on: the front end's IR object (one per kernel method), hook, options. */
    private record PrepareKey(IdentityOf<KernelIR> ir, IdentityOf<UnaryOperator<String>> hook, String extraOptions) {}

    /** Equality by reference: IR records are large, and the front end hands out one per kernel method. */
    private record IdentityOf<T>(T value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof IdentityOf<?> other && other.value == value;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(value);
        }
    }

    /**
     * Emit + key once per kernel, not once per task: a model has ~6 tasks per kernel method (one per layer), and
     * emitting and hashing the OpenCL C again for each was most of a cached load's host time.
     */
    private final Map<PrepareKey, Prepared> prepared = new ConcurrentHashMap<>();

    private Prepared prepare(CompileRequest req) {
        PrepareKey pk = new PrepareKey(new IdentityOf<>(req.ir()), new IdentityOf<>(req.options().sourceHook()),
                req.options().buildOptions());
        Prepared p = prepared.get(pk);
        if (p != null) return p;
        JitPhases.Timer timer = JitPhases.timer();
        OpenClEmitter.EmittedKernel emitted = OpenClEmitter.emit(req.ir());
        String source = req.options().sourceHook().apply(javaSemantics(emitted.source()));
        timer.lap(JitPhases.Phase.EMIT);
        String options = buildOptions(req);
        String deviceIdentity = device.info().name() + " | " + device.info().driverVersion() + " | " + device.info().deviceVersion();
        String key = KernelCache.key(sha256(source + "\u0000" + emitted.entryName()), options, "opencl-c", deviceIdentity);
        timer.lap(JitPhases.Phase.CACHE_KEY);
        p = new Prepared(source, emitted.entryName(), options, key);
        prepared.putIfAbsent(pk, p);
        return p;
    }

    OpenClKernel compile(CompileRequest req) {
        long t0 = System.nanoTime();
        Method m = req.ref().method();
        String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
        Prepared prep = prepare(req);
        String source = prep.source();
        if (req.options().printKernel() != null) {
            req.options().printKernel().accept("// kernel " + name + " (task " + req.taskName() + ") on " + device.site() + "\n" + source);
        }
        String options = prep.options();
        String key = prep.key();
        KernelCache disk = req.options().kernelCacheDir() == null ? null
                : CACHES.computeIfAbsent(req.options().kernelCacheDir(), KernelCache::new);
        CompletableFuture<ClProgram> mine = new CompletableFuture<>();
        CompletableFuture<ClProgram> first = built.putIfAbsent(key, mine);
        boolean cached = true;
        ClProgram program;
        if (first == null) {
            try {
                ClProgram fromDisk = fromDisk(disk, key, prep.entryName(), options, name);
                cached = fromDisk != null;
                program = cached ? fromDisk : buildAndStore(disk, key, source, prep.entryName(), options);
                mine.complete(program);
            } catch (RuntimeException | Error e) {
                built.remove(key, mine); // a later compile tries again (and fails again, with the same message)
                mine.completeExceptionally(e);
                throw e;
            }
        } else {
            program = await(first, name);
        }
        return new OpenClKernel(name, program, source, System.nanoTime() - t0, cached, req.ir(), arena);
    }

    /** The program another thread is building for the same key; its failure is rethrown as is. */
    private ClProgram await(CompletableFuture<ClProgram> building, String name) {
        try {
            return building.join();
        } catch (CompletionException | CancellationException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException("building " + name + " on " + device.site() + " failed", e);
        }
    }

    private ClProgram buildAndStore(KernelCache disk, String key, String source, String entry, String options) {
        JitPhases.Timer timer = JitPhases.timer();
        ClProgram program = device.buildFromSource(source, entry, options);
        timer.lap(JitPhases.Phase.DRIVER_FROM_SOURCE);
        toDisk(disk, key, program, source);
        timer.lap(JitPhases.Phase.DISK_WRITE);
        return program;
    }

    /**
     * Java never contracts a*b+c into an fma, but OpenCL C may by default (NVIDIA does): switch it off
     * for the whole program unless the source already says what it wants.
     */
    static String javaSemantics(String source) {
        return source.contains("FP_CONTRACT") ? source : "#pragma OPENCL FP_CONTRACT OFF\n" + source;
    }

    /** Java's fp32 division and sqrt are correctly rounded; OpenCL's are not unless asked (and supported). */
    private String buildOptions(CompileRequest req) {
        String extra = req.options().buildOptions() == null ? "" : req.options().buildOptions().strip();
        String exact = device.correctlyRoundedDivSqrt() ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
        return (exact + " " + warpShuffles(req) + " " + extra).strip();
    }

    /**
     * Warp shuffles: NVIDIA's OpenCL compiles PTX inline asm, so there they are one shfl.sync each instead of the
     * local-memory emulation (same results). -Dkimi.opencl.nvShfl=false keeps the emulation (for comparison).
     */
    private String warpShuffles(CompileRequest req) {
        boolean nvidia = device.info().vendor() != null && device.info().vendor().toUpperCase(java.util.Locale.ROOT).contains("NVIDIA");
        boolean enabled = !"false".equals(System.getProperty("kimi.opencl.nvShfl"));
        String shfl = nvidia && enabled && req.ir().usesWarpOps() ? "-D KT_NV_SHFL" : "";
        // mmaBf16 as inline PTX mma.sync on NVIDIA cc 8.0+ (DeviceInfo.nativeMmaBf16; -Dkimi.opencl.nvMma=false: emulation)
        String mma = req.ir().usesMma() && device.info().nativeMmaBf16() ? " -D KT_NV_MMA" : "";
        return (shfl + mma).strip();
    }

    void clear() {
        built.clear();
        prepared.clear();
    }

    private ClProgram fromDisk(KernelCache disk, String key, String entry, String options, String name) {
        if (disk == null) return null;
        JitPhases.Timer timer = JitPhases.timer();
        byte[] binary = disk.binary(key).orElse(null);
        timer.lap(JitPhases.Phase.DISK_READ);
        if (binary == null) return null;
        try {
            ClProgram p = device.buildFromBinary(binary, entry, options);
            timer.lap(JitPhases.Phase.DRIVER_FROM_CACHE);
            return p;
        } catch (ClException e) {
            // A binary the driver no longer accepts (driver update): rebuilt from the source, and said so.
            disk.reportRefused(key, "program binary of " + name + " for " + device.site(), e.getMessage());
            return null;
        }
    }

    private void toDisk(KernelCache disk, String key, ClProgram program, String source) {
        if (disk == null) return;
        byte[] binary = device.programBinary(program);
        if (binary.length == 0) return;
        disk.putSource(key, source);
        disk.putBinary(key, binary);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
