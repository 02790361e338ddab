package ai.kimitornado.tasks.jit;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where kernel compile/load time goes, summed over every thread of the process (so with parallel loading the sum of
 * the phases exceeds the wall time): backends and the plan executor add to it, {@code bench} reports the difference of
 * two {@link #snapshot()}s around an engine open. Cheap enough to stay on: two adds per phase.
 */
public final class JitPhases {
    /** The steps of getting one task's kernel ready, in order. */
    public enum Phase {
        /** bytecode parse, inlining, IR, passes (in-memory cache per kernel method) */
        FRONT_END,
        /** IR → OpenCL C / PTX / SPIR-V text or words */
        EMIT,
        /** hashing for the kernel cache keys */
        CACHE_KEY,
        /** reading and checking kernel cache entries on disk */
        DISK_READ,
        /** the driver building a program from a cached binary/PTX (cuModuleLoadDataEx, clBuildProgram of a binary) */
        DRIVER_FROM_CACHE,
        /** the driver compiling from source (cache miss) */
        DRIVER_FROM_SOURCE,
        /** writing new cache entries */
        DISK_WRITE
    }

    private static final Map<Phase, LongAdder> NANOS = new EnumMap<>(Phase.class);
    private static final Map<Phase, LongAdder> CPU_NANOS = new EnumMap<>(Phase.class);
    private static final Map<Phase, LongAdder> COUNTS = new EnumMap<>(Phase.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    static {
        for (Phase p : Phase.values()) {
            NANOS.put(p, new LongAdder());
            CPU_NANOS.put(p, new LongAdder());
            COUNTS.put(p, new LongAdder());
        }
    }

    private JitPhases() {}

    /** Starts timing on this thread. */
    public static Timer timer() {
        return new Timer();
    }

    /**
     * Wall and thread-CPU time of consecutive phases on one thread. The CPU time shows the work itself even on a busy
     * machine (where wall time also counts waiting for a core) and leaves out time spent blocked.
     */
    public static final class Timer {
        private long wall = System.nanoTime();
        private long cpu = cpuNow();

        /** Adds the time since the timer started or since the last lap to {@code phase}. */
        public void lap(Phase phase) {
            long w = System.nanoTime();
            long c = cpuNow();
            NANOS.get(phase).add(w - wall);
            CPU_NANOS.get(phase).add(c - cpu);
            COUNTS.get(phase).increment();
            wall = w;
            cpu = c;
        }

        /** Starts the next phase now, without recording the time since the last lap. */
        public void skip() {
            wall = System.nanoTime();
            cpu = cpuNow();
        }
    }

    private static long cpuNow() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    public static Snapshot snapshot() {
        Map<Phase, long[]> m = new EnumMap<>(Phase.class);
        for (Phase p : Phase.values()) m.put(p, new long[] {NANOS.get(p).sum(), CPU_NANOS.get(p).sum(), COUNTS.get(p).sum()});
        return new Snapshot(m);
    }

    /** Per phase: wall and CPU nanoseconds summed over threads, and how many times it ran ({wall, cpu, count}). */
    public record Snapshot(Map<Phase, long[]> values) {
        public Snapshot {
            values = Map.copyOf(values);
        }

        /** What happened between {@code earlier} and this snapshot. */
        public Snapshot minus(Snapshot earlier) {
            Map<Phase, long[]> m = new EnumMap<>(Phase.class);
            for (Phase p : Phase.values()) {
                long[] a = values.get(p), b = earlier.values.get(p);
                m.put(p, new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]});
            }
            return new Snapshot(m);
        }

        /** Wall milliseconds summed over threads. */
        public double millis(Phase p) {
            return values.get(p)[0] / 1e6;
        }

        /** Thread-CPU milliseconds summed over threads (0 where the JVM cannot measure it). */
        public double cpuMillis(Phase p) {
            return values.get(p)[1] / 1e6;
        }

        public long count(Phase p) {
            return values.get(p)[2];
        }

        /** Phases that ran, in order. */
        public java.util.List<Phase> ran() {
            return java.util.Arrays.stream(Phase.values()).filter(p -> count(p) > 0).toList();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Phase p : ran()) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append(String.format(java.util.Locale.ROOT, "%s %.1f ms (cpu %.1f, x%d)", p.name().toLowerCase(java.util.Locale.ROOT),
                        millis(p), cpuMillis(p), count(p)));
            }
            return sb.isEmpty() ? "nothing compiled" : sb.toString();
        }
    }
}
