package ai.kimitornado.tasks.catalogue;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.WorkGroupState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;

/**
 * Runs a catalogue kernel as plain Java: @Parallel kernels by one call; KernelContext kernels one thread per
 * work-item (virtual threads, so barriers block cheaply), work-groups one after another.
 */
public final class JavaReference {
    private JavaReference() {
    }

    public static void run(CatalogueEntry e, Object[] args) {
        Method m = e.kernel().method();
        m.setAccessible(true);
        if (e.grid() == null) {
            invoke(m, args);
            return;
        }
        int ctxIndex = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof KernelContext) {
                ctxIndex = i;
            }
        }
        long[] g = e.grid().global(), l = e.grid().local();
        int[] global = {1, 1, 1}, local = {1, 1, 1};
        for (int d = 0; d < g.length; d++) {
            global[d] = (int) g[d];
            local[d] = (int) l[d];
        }
        int[] groups = {global[0] / local[0], global[1] / local[1], global[2] / local[2]};
        int groupSize = local[0] * local[1] * local[2];
        for (int gz = 0; gz < groups[2]; gz++) {
            for (int gy = 0; gy < groups[1]; gy++) {
                for (int gx = 0; gx < groups[0]; gx++) {
                    runGroup(m, args, ctxIndex, new int[] {gx, gy, gz}, global, local, groupSize);
                }
            }
        }
    }

    private static void runGroup(Method m, Object[] args, int ctxIndex, int[] group, int[] global, int[] local,
                                 int groupSize) {
        CyclicBarrier barrier = new CyclicBarrier(groupSize);
        Map<Integer, Object> shared = new ConcurrentHashMap<>();
        WorkGroupState state = new WorkGroupState() {
            @Override
            public void barrier() {
                try {
                    barrier.await();
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            }

            private final int[] warp = new int[groupSize];

            @Override
            public int[] warpScratch(int size) {
                return warp;
            }

            private final int[] mma = new int[groupSize * ai.kimitornado.tasks.api.MmaBf16Tile.INTS_PER_LANE];

            @Override
            public int[] mmaScratch(int size) {
                return mma;
            }

            @Override
            public Object localArray(int ordinal, Class<?> type, int length) {
                return shared.computeIfAbsent(ordinal, k -> java.lang.reflect.Array.newInstance(type, length));
            }
        };
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int z = 0; z < local[2]; z++) {
            for (int y = 0; y < local[1]; y++) {
                for (int x = 0; x < local[0]; x++) {
                    int[] lid = {x, y, z};
                    int[] gid = {group[0] * local[0] + x, group[1] * local[1] + y, group[2] * local[2] + z};
                    Object[] a = args.clone();
                    a[ctxIndex] = KernelContext.forWorkItem(gid, lid, group, global, local, state);
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            invoke(m, a);
                        } catch (Throwable t) {
                            failures.add(t);
                            barrier.reset();
                        }
                    }));
                }
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("work-item failed", failures.get(0));
        }
    }

    private static void invoke(Method m, Object[] args) {
        try {
            m.invoke(null, args);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("kernel threw in Java: " + e.getCause(), e.getCause());
        }
    }
}
