package ai.kimitornado.tasks.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs kernel loads (front end + backend compile, or a cache load) on a bounded pool of platform threads: driver
 * builds are mostly single-threaded CPU work, and OpenCL builds / CUDA module loads are thread-safe, so N threads
 * load N kernels at a time. Results come back in input order; when loads fail, the first failure in input order is
 * thrown as is (it names its kernel) after every other load has finished, the other failures attached as suppressed.
 */
final class KernelLoader {
    /** {@code -Dkimi.jit.threads=N} overrides; 1 loads one kernel after another. */
    static final String THREADS_PROPERTY = "kimi.jit.threads";
    private static final int MAX_DEFAULT_THREADS = 16;

    private KernelLoader() {}

    /** Threads to use for {@code jobs} loads. */
    static int threads(int jobs) {
        int configured;
        String p = System.getProperty(THREADS_PROPERTY);
        if (p != null) {
            try {
                configured = Integer.parseInt(p.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + p + ": expected a positive integer");
            }
            if (configured < 1) throw new IllegalArgumentException("-D" + THREADS_PROPERTY + "=" + p + ": expected a positive integer");
        } else {
            configured = Math.min(Runtime.getRuntime().availableProcessors(), MAX_DEFAULT_THREADS);
        }
        return Math.max(1, Math.min(configured, jobs));
    }

    static <I, O> List<O> loadAll(List<I> inputs, int threads, Function<I, O> load) {
        List<O> out = new ArrayList<>(inputs.size());
        if (threads <= 1) {
            for (I in : inputs) out.add(load.apply(in));
            return out;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
        try {
            List<Future<O>> futures = new ArrayList<>(inputs.size());
            for (I in : inputs) futures.add(pool.submit(() -> load.apply(in)));
            RuntimeException failure = null;
            for (Future<O> f : futures) {
                try {
                    out.add(f.get());
                } catch (ExecutionException e) {
                    RuntimeException r = asRuntime(e.getCause());
                    if (failure == null) failure = r;
                    else if (!sameMessage(failure, r)) failure.addSuppressed(r);
                    out.add(null);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new TornadoRuntimeException("interrupted while loading kernels", e);
                }
            }
            if (failure != null) throw failure;
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean sameMessage(Throwable a, Throwable b) {
        return String.valueOf(a.getMessage()).equals(String.valueOf(b.getMessage()));
    }

    private static RuntimeException asRuntime(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new TornadoRuntimeException("kernel load failed: " + t, t);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "kimi-jit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
