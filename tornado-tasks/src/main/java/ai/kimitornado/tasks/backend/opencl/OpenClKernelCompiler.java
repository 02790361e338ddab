package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.runtime.CompileRequest;

import java.lang.foreign.Arena;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KernelIR → OpenCL C (OpenClEmitter) → cl_program, through two caches: built programs in memory per
 * device, and device binaries in the JIT's {@link KernelCache} (disk, under the plan's kernel cache
 * directory). Both are keyed by the emitted source itself (SHA-256, plus build options and device),
 * so a changed emitter or a source hook can never pick up a stale binary; emitting is cheap next to
 * a driver build.
 */
final class OpenClKernelCompiler {
    /** One KernelCache per directory for the whole process (its memory layer is shared by plans). */
    private static final Map<Path, KernelCache> CACHES = new ConcurrentHashMap<>();

    private final OpenClDevice device;
    private final Map<String, ClProgram> built = new HashMap<>();
    private final Arena arena = Arena.ofAuto();

    OpenClKernelCompiler(OpenClDevice device) {
        this.device = device;
    }

    OpenClKernel compile(CompileRequest req) {
        long t0 = System.nanoTime();
        Method m = req.ref().method();
        String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
        OpenClEmitter.EmittedKernel emitted = OpenClEmitter.emit(req.ir());
        String source = req.options().sourceHook().apply(javaSemantics(emitted.source()));
        if (req.options().printKernel() != null) {
            req.options().printKernel().accept("// kernel " + name + " (task " + req.taskName() + ") on " + device.site() + "\n" + source);
        }
        String options = buildOptions(req);
        String deviceIdentity = device.info().name() + " | " + device.info().driverVersion() + " | " + device.info().deviceVersion();
        String key = KernelCache.key(sha256(source + "\u0000" + emitted.entryName()), options, "opencl-c", deviceIdentity);
        KernelCache disk = req.options().kernelCacheDir() == null ? null
                : CACHES.computeIfAbsent(req.options().kernelCacheDir(), KernelCache::new);
        boolean cached;
        ClProgram program;
        synchronized (device) {
            program = built.get(key);
            cached = program != null;
            if (program == null) {
                program = fromDisk(disk, key, emitted.entryName(), options);
                cached = program != null;
                if (program == null) {
                    program = device.buildFromSource(source, emitted.entryName(), options);
                    toDisk(disk, key, program, source);
                }
                built.put(key, program);
            }
        }
        return new OpenClKernel(name, program, source, System.nanoTime() - t0, cached, req.ir(), arena);
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
        synchronized (device) {
            built.clear();
        }
    }

    private ClProgram fromDisk(KernelCache disk, String key, String entry, String options) {
        if (disk == null) return null;
        byte[] binary = disk.binary(key).orElse(null);
        if (binary == null) return null;
        try {
            return device.buildFromBinary(binary, entry, options);
        } catch (ClException e) {
            // A binary the driver no longer accepts (driver update) is a miss: rebuild from the source.
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
