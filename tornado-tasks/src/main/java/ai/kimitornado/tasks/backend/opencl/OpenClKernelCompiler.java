package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.emit.opencl.OpenClEmitter;
import ai.kimitornado.tasks.runtime.CompileRequest;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * KernelIR → OpenCL C (OpenClEmitter) → cl_program, through two caches: built programs in memory
 * (per device, keyed by a SHA-256 of source + build options) and device binaries on disk under
 * {@code kernelCacheDir/opencl/<device>/<key>.bin} (with the source beside it for inspection).
 */
final class OpenClKernelCompiler {
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
        String source = req.options().sourceHook().apply(emitted.source());
        if (req.options().printKernel() != null) {
            req.options().printKernel().accept("// kernel " + name + " (task " + req.taskName() + ") on " + device.site() + "\n" + source);
        }
        String options = buildOptions(req);
        String key = sha256(source + "\u0000" + options + "\u0000" + emitted.entryName());
        boolean cached;
        ClProgram program;
        synchronized (device) {
            program = built.get(key);
            cached = program != null;
            if (program == null) {
                program = fromDisk(req.options().kernelCacheDir(), key, emitted.entryName(), options);
                cached = program != null;
                if (program == null) {
                    program = device.buildFromSource(source, emitted.entryName(), options);
                    toDisk(req.options().kernelCacheDir(), key, program, source);
                }
                built.put(key, program);
            }
        }
        return new OpenClKernel(name, program, source, System.nanoTime() - t0, cached, req.ir(), arena);
    }

    private String buildOptions(CompileRequest req) {
        String extra = req.options().buildOptions();
        return extra == null ? "" : extra;
    }

    private Path cacheFile(Path dir, String key, String ext) {
        String dev = (device.info().name() + "-" + device.info().driverVersion()).replaceAll("[^A-Za-z0-9._-]", "_");
        return dir.resolve("opencl").resolve(dev).resolve(key + ext);
    }

    private ClProgram fromDisk(Path dir, String key, String entry, String options) {
        if (dir == null) return null;
        Path bin = cacheFile(dir, key, ".bin");
        if (!Files.isRegularFile(bin)) return null;
        try {
            return device.buildFromBinary(Files.readAllBytes(bin), entry, options);
        } catch (IOException | ClException e) {
            // A stale or foreign binary is a cache miss: rebuild from source (the source is the truth).
            return null;
        }
    }

    private void toDisk(Path dir, String key, ClProgram program, String source) {
        if (dir == null) return;
        try {
            byte[] binary = device.programBinary(program);
            if (binary.length == 0) return;
            Path bin = cacheFile(dir, key, ".bin");
            Files.createDirectories(bin.getParent());
            Path tmp = Files.createTempFile(bin.getParent(), key, ".tmp");
            Files.write(tmp, binary);
            Files.move(tmp, bin, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(cacheFile(dir, key, ".cl"), source, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write the kernel cache under " + dir, e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
