package ai.kimitornado.tasks.jit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * Generated code and driver binaries, in memory and (unless memory-only) on disk, keyed by {@link #key}: a
 * SHA-256 of the cache format version, the kernel's bytecode hash, the specialization, the backend and the device,
 * so a second run of the same kernel on the same device compiles nothing. Disk layout: {@code DIR/ab/<key>.src}
 * (UTF-8 source) and {@code DIR/ab/<key>.bin} (driver binary), each a {@link #FORMAT} entry: magic, payload length
 * and CRC-32C, then the payload. Writes are atomic (temp file + rename). An entry that is missing or unreadable is a
 * miss; one whose header or checksum does not match (truncated, damaged, another format) is a miss that is
 * <em>reported</em> ({@link #rejected()}, and one line on standard error) — never handed to a driver.
 */
public final class KernelCache {
    /** Version of the on-disk entry layout; part of every key, so another format is never even looked up. */
    public static final int FORMAT = 2;
    private static final byte[] MAGIC = {'K', 'T', 'K', (byte) ('0' + FORMAT)};
    private static final int HEADER_BYTES = MAGIC.length + 4 + 4; // magic, payload length, CRC-32C (big-endian)

    private final Path directory;
    private final Map<String, String> sources = new ConcurrentHashMap<>();
    private final Map<String, byte[]> binaries = new ConcurrentHashMap<>();
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final List<String> rejected = java.util.Collections.synchronizedList(new ArrayList<>());
    private static final AtomicLong REJECTED_IN_PROCESS = new AtomicLong();
    private static final AtomicLong DISK_HITS = new AtomicLong();
    private static final AtomicLong DISK_MISSES = new AtomicLong();

    /** Entries read from disk by every cache of this process: found whole, and missing or rejected. */
    public record DiskReads(long hits, long misses) {
        public DiskReads minus(DiskReads earlier) {
            return new DiskReads(hits - earlier.hits, misses - earlier.misses);
        }
    }

    /** bench takes the difference around an open to tell a cold open from one served by the disk cache. */
    public static DiskReads diskReadsInProcess() {
        return new DiskReads(DISK_HITS.get(), DISK_MISSES.get());
    }

    /** Hit/miss counts of source and binary lookups; {@code rejected}: damaged entries found (also misses). */
    public record Stats(long hits, long misses, long rejected) {
        public Stats(long hits, long misses) {
            this(hits, misses, 0);
        }
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
     * Cache key: SHA-256 (hex) over the entry {@link #FORMAT}, the IR's {@code bytecodeHash}, a specialization
     * string (e.g. specialized scalar values, build options; "" if none), the backend with its emitter version (e.g.
     * "opencl", "ptx-1") and the device identity (name + driver version / compute capability).
     */
    public static String key(String bytecodeHash, String specialization, String backend, String device) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String s : new String[] {"format " + FORMAT, bytecodeHash, specialization, backend, device}) {
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

    /**
     * Records that a driver refused an entry this cache returned (e.g. a binary from another driver version): the
     * caller rebuilds from source and rewrites it; the reason is kept in {@link #rejected()} and printed once.
     */
    public void reportRefused(String key, String what, String reason) {
        reject(directory == null ? key : file(key, ".bin").toString(), what + " refused by the driver (" + reason
                + "); rebuilt from source");
    }

    public Stats stats() {
        return new Stats(hits.get(), misses.get(), rejected.size());
    }

    /** Every damaged or refused entry met so far: "path: what was wrong; what was done". */
    public List<String> rejected() {
        synchronized (rejected) {
            return List.copyOf(rejected);
        }
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
        byte[] entry;
        try {
            entry = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            DISK_MISSES.incrementAndGet();
            return null;
        } catch (IOException e) {
            DISK_MISSES.incrementAndGet();
            reject(f.toString(), "unreadable (" + e + "); compiled again");
            return null;
        }
        String problem = checkEntry(entry);
        if (problem != null) {
            DISK_MISSES.incrementAndGet();
            reject(f.toString(), problem + "; compiled again and rewritten");
            return null;
        }
        DISK_HITS.incrementAndGet();
        return Arrays.copyOfRange(entry, HEADER_BYTES, entry.length);
    }

    /** Null when {@code entry} is a whole, undamaged entry of this format; else what is wrong with it. */
    static String checkEntry(byte[] entry) {
        if (entry.length < HEADER_BYTES || !Arrays.equals(entry, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            return "not a format-" + FORMAT + " kernel cache entry (" + entry.length + " bytes, bad header)";
        }
        ByteBuffer header = ByteBuffer.wrap(entry, MAGIC.length, 8);
        int length = header.getInt();
        int crc = header.getInt();
        if (length != entry.length - HEADER_BYTES) {
            return "truncated or padded: header says " + length + " payload bytes, file has " + (entry.length - HEADER_BYTES);
        }
        if (crc != crc32c(entry, HEADER_BYTES, length)) {
            return "checksum mismatch (CRC-32C of the payload)";
        }
        return null;
    }

    private static int crc32c(byte[] data, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }

    /** Damaged or refused entries met by every cache of this process (bench reports the difference around an open). */
    public static long rejectedInProcess() {
        return REJECTED_IN_PROCESS.get();
    }

    /**
     * For caches kept outside this class (the SPIR-V translator's bitcode files): a damaged or refused entry, counted
     * in {@link #rejectedInProcess()} and printed like this class's own.
     */
    public static void reportExternal(String what, String why) {
        REJECTED_IN_PROCESS.incrementAndGet();
        System.err.println("kimi-tornado kernel cache: " + what + ": " + why);
    }

    private void reject(String what, String why) {
        String line = what + ": " + why;
        rejected.add(line);
        REJECTED_IN_PROCESS.incrementAndGet();
        System.err.println("kimi-tornado kernel cache: " + line);
    }

    private void write(String key, String suffix, byte[] data) {
        if (directory == null) {
            return;
        }
        Path f = file(key, suffix);
        ByteBuffer entry = ByteBuffer.allocate(HEADER_BYTES + data.length);
        entry.put(MAGIC).putInt(data.length).putInt(crc32c(data, 0, data.length)).put(data);
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), key.substring(0, 8), ".tmp");
            Files.write(tmp, entry.array());
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
