package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.backend.opencl.ClException;
import ai.kimitornado.tasks.backend.opencl.ClProgram;
import ai.kimitornado.tasks.emit.spirv.SpirvEmitter;
import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.emit.spirv.Spv;
import ai.kimitornado.tasks.jit.JitPhases;
import ai.kimitornado.tasks.jit.KernelCache;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KernelIR → SPIR-V module → cl_program along the device's {@link SpirvRoute}. Built programs are cached
 * in memory by a SHA-256 of module + route + options; on the translator route the translated bitcode is
 * also cached on disk ({@code kernelCacheDir/spirv/<key>.bc}, the module beside it as {@code .spv}), so a
 * second process skips the external translator.
 */
final class SpirvKernelCompiler {
    private final SpirvDevice device;
    private final Map<String, CompletableFuture<ClProgram>> built = new ConcurrentHashMap<>();
    private final Arena arena = Arena.ofAuto();

    SpirvKernelCompiler(SpirvDevice device) {
        this.device = device;
    }

    SpirvKernel compile(CompileRequest request) {
        long start = System.nanoTime();
        String name = kernelName(request);
        JitPhases.Timer timer = JitPhases.timer();
        SpirvEmitter.EmittedSpirv emitted = SpirvEmitter.emit(request.ir());
        timer.lap(JitPhases.Phase.EMIT);
        requireDeviceSupport(emitted.module(), request.ir().usesFp64(), device.info(), name);
        SpirvRoute route = device.route();
        if (request.options().printKernel() != null) {
            request.options().printKernel().accept("// kernel " + name + " (task " + request.taskName() + ") on "
                    + device.site() + " as SPIR-V, route: " + route + "\n" + readableCode(emitted.module()));
        }
        String extra = request.options().buildOptions() == null ? "" : request.options().buildOptions();
        String options = (route.buildOptions() + " " + extra).strip();
        String key = sha256(emitted.module(), route + "\u0000" + options + "\u0000" + emitted.entryName());
        timer.lap(JitPhases.Phase.CACHE_KEY);
        CompletableFuture<ClProgram> mine = new CompletableFuture<>();
        CompletableFuture<ClProgram> first = built.putIfAbsent(key, mine);
        boolean cached = first != null;
        ClProgram program;
        if (first == null) {
            try {
                program = build(emitted, route, options, name, request.options().kernelCacheDir(), key);
                timer.lap(JitPhases.Phase.DRIVER_FROM_SOURCE);
                mine.complete(program);
            } catch (RuntimeException | Error e) {
                built.remove(key, mine); // the next compile tries again and reports the same error
                mine.completeExceptionally(e);
                throw e;
            }
        } else {
            try {
                program = first.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        }
        return new SpirvKernel(name, program, emitted.module(), System.nanoTime() - start, cached, route,
                request.ir().deviceArgs(), request.ir().params(), arena);
    }

    /**
     * Optional capabilities the module needs must be device extensions, or the driver fails later with a vaguer
     * message (or, on the translator route, only at run time): Float64 needs cl_khr_fp64, Int64Atomics needs
     * cl_khr_int64_base_atomics.
     */
    static void requireDeviceSupport(byte[] module, boolean usesFp64, ai.kimitornado.tasks.runtime.DeviceInfo info, String kernel) {
        if ((usesFp64 || SpirvTools.declaresCapability(module, Spv.Capability.Float64)) && !info.fp64()) {
            throw new TornadoRuntimeException("kernel " + kernel + " uses double precision but " + info.id() + " ("
                    + info.name() + ") has no cl_khr_fp64");
        }
        if (SpirvTools.declaresCapability(module, Spv.Capability.Int64Atomics)
                && !info.extensions().contains("cl_khr_int64_base_atomics")) {
            throw new TornadoRuntimeException("kernel " + kernel + " uses 64-bit atomics (SPIR-V Int64Atomics) but "
                    + info.id() + " (" + info.name() + ") has no cl_khr_int64_base_atomics");
        }
    }

    private static String kernelName(CompileRequest request) {
        if (request.ref() != null && request.ref().method() != null) {
            Method m = request.ref().method();
            return m.getDeclaringClass().getSimpleName() + "." + m.getName();
        }
        return request.ir().name();
    }

    private ClProgram build(SpirvEmitter.EmittedSpirv emitted, SpirvRoute route, String options, String name,
                            Path cacheDir, String key) {
        try {
            return switch (route) {
                case NATIVE_IL -> device.opencl().buildFromIl(emitted.module(), emitted.entryName(), options);
                case TRANSLATOR -> buildFromBitcode(emitted, options, name, cacheDir, key);
            };
        } catch (ClException e) {
            throw new TornadoRuntimeException("SPIR-V kernel " + name + " on " + device.site() + " (route " + route
                    + ") failed to build: " + e.getMessage() + validationHint(emitted.module()), e);
        }
    }

    /** Translator route: bitcode from the disk cache when present; a cached file the driver rejects is replaced. */
    private ClProgram buildFromBitcode(SpirvEmitter.EmittedSpirv emitted, String options, String name, Path cacheDir, String key) {
        Path cached = cacheDir == null ? null : cacheDir.resolve("spirv").resolve(key + ".bc");
        if (cached != null && Files.isRegularFile(cached)) {
            try {
                return device.opencl().buildFromBinary(Files.readAllBytes(cached), emitted.entryName(), options);
            } catch (IOException | ClException e) {
                // stale or damaged cache entry: translate again (the module is the truth), and say so
                KernelCache.reportExternal(cached.toString(), "bitcode of " + name + " refused (" + e.getMessage()
                        + "); translated again and rewritten");
            }
        }
        return device.opencl().buildFromBinary(translate(emitted.module(), name, cached), emitted.entryName(), options);
    }

    /** llvm-spirv-15 -r; the bitcode (and the module beside it) go to {@code cached} when the plan has a cache. */
    private byte[] translate(byte[] module, String name, Path cached) {
        SpirvTools.Result result;
        try {
            result = SpirvTools.translateToSpirBitcode(module);
        } catch (IllegalStateException e) {
            throw new TornadoRuntimeException("SPIR-V kernel " + name + " on " + device.site() + ": " + e.getMessage(), e);
        }
        if (!result.ok() || result.outputFile() == null) {
            throw new TornadoRuntimeException("SPIR-V kernel " + name + " on " + device.site()
                    + ": the translator failed: " + result.describe() + validationHint(module));
        }
        if (cached != null) {
            writeAtomically(cached, result.outputFile());
            writeAtomically(cached.resolveSibling(cached.getFileName().toString().replace(".bc", ".spv")), module);
        }
        return result.outputFile();
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        try {
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
            Files.write(tmp, bytes);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the kernel cache entry " + target, e);
        }
    }

    /** spirv-val's verdict, appended to build failures when the tool is installed (it usually names the fault). */
    private static String validationHint(byte[] module) {
        if (SpirvTools.find("spirv-val").isEmpty()) {
            return "";
        }
        SpirvTools.Result valid = SpirvTools.validate(module);
        return valid.ok() ? " (spirv-val accepts the module)" : "\nspirv-val: " + valid.describe();
    }

    /** spirv-dis text when the tool is installed; otherwise says how to get it. */
    static String readableCode(byte[] module) {
        if (SpirvTools.find("spirv-dis").isPresent()) {
            SpirvTools.Result dis = SpirvTools.disassemble(module);
            if (dis.ok()) {
                return dis.stdout();
            }
        }
        return "; SPIR-V module, " + module.length + " bytes (install spirv-tools for the spirv-dis text)\n";
    }

    private static String sha256(byte[] module, String salt) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(module);
            digest.update(salt.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
