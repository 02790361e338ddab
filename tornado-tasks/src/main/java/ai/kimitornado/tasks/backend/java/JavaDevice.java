package ai.kimitornado.tasks.backend.java;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.runtime.CompileRequest;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceBuffer;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LaunchEvent;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The JVM as a device (id {@code java}): kernels run as the Java methods they are, on the host arrays
 * themselves (no device memory, no copies). @Parallel kernels are invoked once, like plain Java;
 * KernelContext kernels run over their grid with {@link WorkGroupRunner}. The reference backend, and
 * the one to step through in a debugger.
 */
public final class JavaDevice implements Device {
    private final int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
    private final DeviceInfo info = new DeviceInfo("java", "java",
            "JVM (" + workers + " worker threads)", System.getProperty("java.vendor", "?"),
            "Java " + Runtime.version(), "Java " + Runtime.version().feature(), "CPU",
            Runtime.getRuntime().maxMemory(), 0, Runtime.getRuntime().maxMemory(), workers,
            1024, new long[] {1024, 1024, 1024}, "", true, true, false, List.of(), List.of(),
            Map.of("execution", "Java bytecode on the host arrays; work-groups over " + workers + " threads, work-items of barrier kernels on virtual threads"));
    private volatile ExecutorService pool;

    @Override
    public DeviceInfo info() {
        return info;
    }

    @Override
    public boolean sharesHostMemory() {
        return true;
    }

    @Override
    public DeviceBuffer allocate(long bytes, String label) {
        throw new UnsupportedOperationException("the java device runs on host memory; nothing to allocate for " + label);
    }

    @Override
    public void free(DeviceBuffer buffer) {}

    @Override
    public long allocatedBytes() {
        return 0;
    }

    @Override
    public void copyIn(DeviceBuffer dst, MemorySegment src) {}

    @Override
    public void copyOut(MemorySegment dst, DeviceBuffer src) {}

    @Override
    public LoadedKernel compile(CompileRequest request) {
        Method m = request.ref().method();
        String name = m.getDeclaringClass().getSimpleName() + "." + m.getName();
        if (!Modifier.isStatic(m.getModifiers())) throw new TornadoRuntimeException(name + " is not static; kernels are static methods");
        MethodHandle mh;
        try {
            m.setAccessible(true);
            mh = MethodHandles.lookup().unreflect(m);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new TornadoRuntimeException("cannot access kernel " + name + " for the java backend: " + e, e);
        }
        int ctx = -1;
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) if (types[i] == KernelContext.class) ctx = i;
        if (request.options().printKernel() != null) {
            request.options().printKernel().accept("// kernel " + name + " on java: runs as JVM bytecode\n");
        }
        return new JavaKernel(name, mh.asSpreader(Object[].class, types.length), ctx,
                request.ir().usesBarriers(), types.length);
    }

    @Override
    public LaunchEvent launch(LoadedKernel loaded, KernelArg[] args, LaunchGrid grid, boolean profile) {
        JavaKernel k = (JavaKernel) loaded;
        if (args.length != k.parameterCount()) {
            throw new TornadoRuntimeException(k.name() + " takes " + k.parameterCount() + " arguments, got " + args.length);
        }
        Object[] values = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            values[i] = switch (args[i]) {
                case KernelArg.Buffer b -> b.host();
                case KernelArg.Scalar s -> s.value();
                case KernelArg.Context c -> c.context();
            };
        }
        long t0 = System.nanoTime();
        if (k.contextIndex() < 0) {
            try {
                k.invoker().invoke(values);
            } catch (Throwable t) {
                throw new WorkGroupRunner.KernelFailure(k.name() + " failed on the java backend: " + t, t);
            }
        } else {
            if (grid == null) throw new TornadoRuntimeException(k.name() + " uses KernelContext but no grid was given");
            int[] global = {1, 1, 1};
            int[] local = {1, 1, 1};
            for (int d = 0; d < grid.dims(); d++) {
                global[d] = Math.toIntExact(grid.global()[d]);
                local[d] = grid.local() != null ? Math.toIntExact(grid.local()[d]) : defaultLocal(global[d], d);
                if (local[d] < 1) throw new TornadoRuntimeException(k.name() + ": local size must be >= 1, got " + grid);
            }
            new WorkGroupRunner(k, values, global, local).run(pool(), workers);
        }
        return LaunchEvent.completed(System.nanoTime() - t0);
    }

    /** Without a requested local size: up to 64 work-items in x (a divisor of the global size), 1 elsewhere. */
    private static int defaultLocal(int global, int dim) {
        if (dim > 0) return 1;
        for (int l = Math.min(64, global); l > 1; l--) if (global % l == 0) return l;
        return 1;
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    pool = Executors.newFixedThreadPool(workers, r -> {
                        Thread t = new Thread(r, "java-device-worker");
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }

    @Override
    public void synchronize() {}
}
