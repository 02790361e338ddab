package ai.kimitornado.cli;

import ai.kimitornado.tasks.runtime.DeviceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The state of the driver's own compiled-code cache that a "JIT from the disk cache" figure silently includes: NVIDIA's
 * JIT cache (PTX → SASS for CUDA modules and NVIDIA OpenCL programs, {@code ~/.nv/ComputeCache} unless CUDA_CACHE_PATH /
 * CUDA_CACHE_DISABLE say otherwise) and PoCL's kernel cache ({@code ~/.cache/pocl/kcache}, POCL_CACHE_DIR,
 * POCL_KERNEL_CACHE). bench records it before each open; it never clears it.
 */
final class DriverCaches {
    private DriverCaches() {}

    static String describe(DeviceInfo info) {
        String vendor = String.valueOf(info.vendor()).toUpperCase(Locale.ROOT);
        String name = String.valueOf(info.name()).toLowerCase(Locale.ROOT);
        if ("cuda".equals(info.backend()) || vendor.contains("NVIDIA")) {
            String disabled = System.getenv("CUDA_CACHE_DISABLE");
            Path dir = envPath("CUDA_CACHE_PATH", Path.of(System.getProperty("user.home"), ".nv", "ComputeCache"));
            return "NVIDIA JIT cache " + ("1".equals(disabled) ? "disabled (CUDA_CACHE_DISABLE=1)" : "enabled") + ", " + size(dir)
                    + (System.getenv("CUDA_CACHE_MAXSIZE") == null ? "" : ", CUDA_CACHE_MAXSIZE=" + System.getenv("CUDA_CACHE_MAXSIZE"));
        }
        if (name.contains("pthread") || name.contains("cpu") || vendor.contains("POCL") || name.contains("pocl")) {
            String off = System.getenv("POCL_KERNEL_CACHE");
            Path dir = envPath("POCL_CACHE_DIR", Path.of(System.getProperty("user.home"), ".cache", "pocl", "kcache"));
            return "PoCL kernel cache " + ("0".equals(off) ? "disabled (POCL_KERNEL_CACHE=0)" : "enabled") + ", " + size(dir);
        }
        return "driver cache of " + info.backend() + " / " + info.vendor() + ": unknown";
    }

    private static Path envPath(String variable, Path fallback) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? fallback : Path.of(v);
    }

    /** "DIR: N files, M MiB" or "DIR: absent". */
    private static String size(Path dir) {
        if (!Files.isDirectory(dir)) return dir + ": absent";
        long[] filesBytes = new long[2];
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(f -> {
                filesBytes[0]++;
                try {
                    filesBytes[1] += Files.size(f);
                } catch (IOException e) {
                    // a file removed while walking: not counted
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return dir + ": unreadable (" + e.getMessage() + ")";
        }
        return String.format(Locale.ROOT, "%s: %d files, %.1f MiB", dir, filesBytes[0], filesBytes[1] / 1048576.0);
    }
}
