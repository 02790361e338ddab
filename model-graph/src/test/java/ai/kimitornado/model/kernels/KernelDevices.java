package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.DataTransferMode;
import ai.kimitornado.tasks.api.GridScheduler;
import ai.kimitornado.tasks.api.TaskGraph;
import ai.kimitornado.tasks.api.TornadoDevice;
import ai.kimitornado.tasks.api.TornadoExecutionPlan;
import ai.kimitornado.tasks.api.WorkerGrid;
import ai.kimitornado.tasks.api.WorkerGrid1D;
import ai.kimitornado.tasks.api.WorkerGrid2D;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Runs one kernel through the whole runtime (TaskGraph → plan → device) for the per-kernel tests: every array
 * argument goes up before and comes back after, so a test reads device results from its host arrays.
 * {@link #devices()} lists every available device ({@code -Dkimi.devices=java,opencl:0:0} restricts them).
 */
public final class KernelDevices {
    private KernelDevices() {
    }

    public static List<String> devices() {
        String only = System.getProperty("kimi.devices");
        if (only != null && !only.isBlank()) {
            return List.of(only.split(","));
        }
        return TornadoDevice.all().stream().map(TornadoDevice::getId).toList();
    }

    static void launch(String device, Class<?> owner, String method, long[] global, long[] local, Object... args) {
        Method kernel = find(owner, method);
        Set<NativeArray> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<NativeArray> arrays = new ArrayList<>();
        for (Object a : args) {
            if (a instanceof NativeArray n && seen.add(n)) {
                arrays.add(n);
            }
        }
        TaskGraph graph = new TaskGraph("k")
                .transferToDevice(DataTransferMode.EVERY_EXECUTION, arrays.toArray())
                .task("t", kernel, args)
                .transferToHost(DataTransferMode.EVERY_EXECUTION, arrays.toArray());
        WorkerGrid grid = global.length == 1
                ? new WorkerGrid1D(global[0]).setLocalWork(local[0])
                : new WorkerGrid2D(global[0], global[1]).setLocalWork(local[0], local[1]);
        try (TornadoExecutionPlan plan = new TornadoExecutionPlan(graph.snapshot()).withDevice(device)
                .withGridScheduler(new GridScheduler("k.t", grid))) {
            plan.execute();
        }
    }

    private static Method find(Class<?> owner, String name) {
        for (Method m : owner.getMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())) {
                return m;
            }
        }
        throw new IllegalArgumentException("no public static " + owner.getSimpleName() + "." + name);
    }
}
