package ai.kimitornado.tasks.backend.java;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a KernelContext kernel over a 3D grid on the JVM. Work-groups are handed out to the pool's
 * threads; within a group, work-items run one after another on that thread when the kernel has no
 * barrier, and each on its own virtual thread (so that {@code localBarrier} can block) when it has.
 * Every group gets fresh shared local arrays. Grids need not divide evenly: the last group of a
 * dimension is smaller (as with OpenCL 2.0 non-uniform work-groups).
 */
final class WorkGroupRunner {
    private final JavaKernel kernel;
    private final Object[] args;
    private final int[] global;
    private final int[] local;
    private final int[] groups = new int[3];
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    WorkGroupRunner(JavaKernel kernel, Object[] args, int[] global, int[] local) {
        this.kernel = kernel;
        this.args = args;
        this.global = global;
        this.local = local;
        for (int d = 0; d < 3; d++) groups[d] = (global[d] + local[d] - 1) / local[d];
    }

    void run(ExecutorService pool, int workers) {
        long total = (long) groups[0] * groups[1] * groups[2];
        if (total > Integer.MAX_VALUE) throw new TornadoRuntimeException(kernel.name() + ": too many work-groups (" + total + ") for the java backend");
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> running = new ArrayList<>();
        for (int w = 0; w < Math.min(workers, total); w++) {
            running.add(pool.submit(() -> {
                for (int g; (g = next.getAndIncrement()) < total && failure.get() == null; ) runGroup(g);
            }));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (Exception e) {
                failure.compareAndSet(null, e.getCause() != null ? e.getCause() : e);
            }
        }
        Throwable t = failure.get();
        if (t != null) {
            if (t instanceof KernelFailure kf) throw kf;
            throw new KernelFailure(kernel.name() + " failed on the java backend: " + t, t);
        }
    }

    private void runGroup(int linear) {
        int[] group = {linear % groups[0], (linear / groups[0]) % groups[1], linear / (groups[0] * groups[1])};
        int[] size = new int[3];
        for (int d = 0; d < 3; d++) size[d] = Math.min(local[d], global[d] - group[d] * local[d]);
        int parties = size[0] * size[1] * size[2];
        GroupState state = new GroupState(parties, kernel.name());
        if (!kernel.usesBarriers()) {
            for (int i = 0; i < parties; i++) runItem(state, group, size, i);
            return;
        }
        Thread[] items = new Thread[parties];
        for (int i = 0; i < parties; i++) {
            int item = i;
            items[i] = Thread.ofVirtual().unstarted(() -> runItem(state, group, size, item));
        }
        for (Thread t : items) t.start();
        for (Thread t : items) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TornadoRuntimeException("interrupted while running " + kernel.name(), e);
            }
        }
    }

    private void runItem(GroupState state, int[] group, int[] size, int item) {
        int[] lid = {item % size[0], (item / size[0]) % size[1], item / (size[0] * size[1])};
        int[] gid = new int[3];
        for (int d = 0; d < 3; d++) gid[d] = group[d] * local[d] + lid[d];
        Throwable failed = null;
        try {
            Object[] a = args.clone();
            a[kernel.contextIndex()] = KernelContext.forWorkItem(gid, lid, group, global, size, state);
            kernel.invoker().invoke(a);
        } catch (Throwable t) {
            failed = t;
            failure.compareAndSet(null, new KernelFailure(kernel.name() + " failed on the java backend at global id ("
                    + gid[0] + "," + gid[1] + "," + gid[2] + "), group (" + group[0] + "," + group[1] + "," + group[2] + "): " + t, t));
        } finally {
            state.workItemFinished(failed);
        }
    }

    /** A kernel threw on the JVM; the message names the kernel and the work-item. */
    static final class KernelFailure extends TornadoRuntimeException {
        KernelFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
