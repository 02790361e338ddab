package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.api.WorkGroupState;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Test-only runner for KernelContext kernels on the JVM, independent of the runtime: each work-group runs its
 * work-items as virtual threads sharing a {@link CyclicBarrier} and the group's local arrays, so kernels with
 * barriers and local memory execute with OpenCL semantics. The kernel is called reflectively with a fresh
 * {@link KernelContext} per work-item in place of the context argument.
 */
public final class LocalGrid {
    private LocalGrid() {
    }

    /** Runs {@code owner.method(args)} over global × local (1–2 dims; global a multiple of local). */
    static void launch(Class<?> owner, String method, long[] global, long[] local, Object... args) {
        launch(find(owner, method), global, local, args);
    }

    /** Runs kernel {@code m} over global × local with {@code args} (the KernelContext placeholder replaced). */
    public static void launch(Method m, long[] global, long[] local, Object... args) {
        Class<?> owner = m.getDeclaringClass();
        String method = m.getName();
        int gx = (int) global[0], gy = global.length > 1 ? (int) global[1] : 1;
        int lx = (int) local[0], ly = local.length > 1 ? (int) local[1] : 1;
        if (gx % lx != 0 || gy % ly != 0) {
            throw new IllegalArgumentException(owner.getSimpleName() + "." + method + ": global " + gx + "x" + gy
                    + " is not a multiple of local " + lx + "x" + ly);
        }
        int contextIndex = -1;
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof KernelContext) {
                contextIndex = i;
            }
        }
        for (int groupY = 0; groupY < gy / ly; groupY++) {
            for (int groupX = 0; groupX < gx / lx; groupX++) {
                runGroup(m, args, contextIndex, groupX, groupY, gx, gy, lx, ly);
            }
        }
    }

    private static void runGroup(Method m, Object[] args, int contextIndex, int groupX, int groupY,
                                 int gx, int gy, int lx, int ly) {
        int size = lx * ly;
        if (size == 1) {
            runSingle(m, args, contextIndex, groupX, groupY, gx, gy);
            return;
        }
        CyclicBarrier barrier = new CyclicBarrier(size);
        Map<Integer, Object> arrays = new ConcurrentHashMap<>();
        WorkGroupState state = new WorkGroupState() {
            @Override
            public void barrier() {
                try {
                    barrier.await();
                } catch (InterruptedException | BrokenBarrierException e) {
                    throw new IllegalStateException("barrier broken in " + m.getName(), e);
                }
            }

            @Override
            public Object localArray(int ordinal, Class<?> componentType, int length) {
                return arrays.computeIfAbsent(ordinal, k -> java.lang.reflect.Array.newInstance(componentType, length));
            }
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(size);
        for (int y = 0; y < ly; y++) {
            for (int x = 0; x < lx; x++) {
                int[] globalId = {groupX * lx + x, groupY * ly + y, 0};
                int[] localId = {x, y, 0};
                int[] groupId = {groupX, groupY, 0};
                KernelContext ctx = KernelContext.forWorkItem(globalId, localId, groupId,
                        new int[] {gx, gy, 1}, new int[] {lx, ly, 1}, state);
                Object[] callArgs = args.clone();
                if (contextIndex >= 0) {
                    callArgs[contextIndex] = ctx;
                }
                threads.add(Thread.ofVirtual().start(() -> {
                    try {
                        m.invoke(null, callArgs);
                    } catch (InvocationTargetException e) {
                        failure.compareAndSet(null, e.getCause());
                        barrier.reset();
                    } catch (IllegalAccessException e) {
                        failure.compareAndSet(null, e);
                        barrier.reset();
                    }
                }));
            }
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("kernel " + m.getDeclaringClass().getSimpleName() + "." + m.getName()
                    + " failed in group (" + groupX + "," + groupY + ")", failure.get());
        }
    }

    /** A group of one work-item: its barriers are no-ops, so it runs on the calling thread. */
    private static void runSingle(Method m, Object[] args, int contextIndex, int groupX, int groupY, int gx, int gy) {
        Object[] callArgs = args.clone();
        if (contextIndex >= 0) {
            callArgs[contextIndex] = KernelContext.forWorkItem(new int[] {groupX, groupY, 0}, new int[] {0, 0, 0},
                    new int[] {groupX, groupY, 0}, new int[] {gx, gy, 1}, new int[] {1, 1, 1}, null);
        }
        try {
            m.invoke(null, callArgs);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("kernel " + m.getDeclaringClass().getSimpleName() + "." + m.getName()
                    + " failed in group (" + groupX + "," + groupY + ")", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Method find(Class<?> owner, String name) {
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(name) && java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        throw new IllegalArgumentException("no public static " + owner.getSimpleName() + "." + name);
    }
}
