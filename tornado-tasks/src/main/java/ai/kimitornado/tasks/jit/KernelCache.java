package ai.kimitornado.tasks.jit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generated code and driver binaries, in memory and (unless memory-only) on disk, keyed by {@link #key}: a
 * SHA-256 of the kernel's bytecode hash, the specialization, the backend and the device, so a second run of the
 * same kernel on the same device compiles nothing. Disk layout: {@code DIR/ab/<key>.src} (UTF-8 source) and
 * {@code DIR/ab/<key>.bin} (driver binary); writes are atomic (temp file + rename), unreadable entries are misses.
 */
public final class KernelCache {
    private final Path directory;
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private final Map<String, byte[]> binaries = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    /** Hit/miss counts of source and binary lookups. */
    public record Stats(long hits, long misses) {
    }

    /** A cache under {@code directory} (created on first write); null means memory only. */
    public KernelCache(Path directory) {
        this.directory = directory;
    }

    /** {@code ~/.cache/kimi-tornado}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".cache", "kimi-tornado");
    }

    public static KernelCache inDefaultDirectory() {
        return new KernelCache(defaultDirectory());
    }

    public static KernelCache memoryOnly() {
        return new KernelCache(null);
    }

    /** The disk directory, or empty for a memory-only cache. */
    public Optional<Path> directory() {
        return Optional.ofNullable(directory);
    }

    /**
     * Cache key: SHA-256 (hex) over the IR's {@code bytecodeHash}, a specialization string (e.g. specialized scalar
     * values, build options; "" if none), the backend with its emitter version (e.g. "opencl", "ptx-1") and the
     * device identity (name + driver version / compute capability).
     */
    public static String key(String bytecodeHash, String specialization, String backend, String device) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {bytecodeHash, specialization, backend, device}) {
                md.update(String.valueOf(s).getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Optional<String> source(String key) {
        String s = sources.get(key);
        if (s == null) {
            byte[] b = read(key, ".src");
            if (b != null) {
                s = new String(b, StandardCharsets.UTF_8);
                sources.put(key, s);
            }
        }
        count(s != null);
        return Optional.ofNullable(s);
    }

    public void putSource(String key, String source) {
        sources.put(key, source);
        write(key, ".src", source.getBytes(StandardCharsets.UTF_8));
    }

    /** A driver binary (OpenCL program binary, cubin, ...); the returned array must not be modified. */
    public Optional<byte[]> binary(String key) {
        byte[] b = binaries.get(key);
        if (b == null) {
            b = read(key, ".bin");
            if (b != null) {
                binaries.put(key, b);
            }
        }
        count(b != null);
        return Optional.ofNullable(b);
    }

    public void putBinary(String key, byte[] binary) {
        binaries.put(key, binary.clone());
        write(key, ".bin", binary);
    }

    public Stats stats() {
        return new Stats(hits.get(), misses.get());
    }

    private void count(boolean hit) {
        (hit ? hits : misses).incrementAndGet();
    }

    private Path file(String key, String suffix) {
        if (!key.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a cache key (use KernelCache.key): " + key);
        }
        return directory.resolve(key.substring(0, 2)).resolve(key + suffix);
    }

    private byte[] read(String key, String suffix) {
        if (directory == null) {
            return null;
        }
        Path f = file(key, suffix);
        try {
            return Files.isRegularFile(f) ? Files.readAllBytes(f) : null;
        } catch (IOException e) {
            return null; // unreadable entry: a miss, recompiled and rewritten
        }
    }

    private void write(String key, String suffix, byte[] data) {
        if (directory == null) {
            return;
        }
        Path f = file(key, suffix);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), key.substring(0, 8), ".tmp");
            Files.write(tmp, data);
            try {
                Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write kernel cache entry " + f, e);
        }
    }
}
