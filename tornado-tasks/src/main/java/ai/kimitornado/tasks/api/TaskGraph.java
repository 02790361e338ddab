package ai.kimitornado.tasks.api;

import ai.kimitornado.tasks.api.tasks.*;
import ai.kimitornado.tasks.jit.KernelRef;
import ai.kimitornado.tasks.runtime.GraphSpec;
import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.io.Serializable;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named sequence of transfers and kernel tasks (TornadoVM's programming model). Build it, then
 * {@link #snapshot()} it into an {@link ImmutableTaskGraph} for a {@link TornadoExecutionPlan}:
 * <pre>{@code
 * TaskGraph g = new TaskGraph("s0")
 *     .transferToDevice(DataTransferMode.EVERY_EXECUTION, a, b)
 *     .task("add", Kernels::add, a, b, c, n)
 *     .transferToHost(DataTransferMode.EVERY_EXECUTION, c);
 * }</pre>
 * Kernels are {@code public static void} methods given as method references; arguments are off-heap
 * arrays ({@code FloatArray}, ...), boxed primitives, and at most one {@code KernelContext}. Steps run
 * in declaration order.
 */
public final class TaskGraph {
    private final String name;
    private final List<GraphSpec.Step> steps = new ArrayList<>();
    private final Set<String> taskNames = new HashSet<>();

    public TaskGraph(String name) {
        if (name == null || name.isEmpty() || name.contains(".")) {
            throw new IllegalArgumentException("task graph name must be non-empty without '.', got \"" + name + "\"");
        }
        this.name = name;
    }

    public String getTaskGraphName() {
        return name;
    }

    /** Arrays to copy to the device before the tasks that follow ({@code FIRST_EXECUTION} or {@code EVERY_EXECUTION}). */
    public TaskGraph transferToDevice(DataTransferMode mode, Object... objects) {
        if (mode == DataTransferMode.UNDER_DEMAND) {
            throw new IllegalArgumentException(name + ": UNDER_DEMAND applies to transferToHost only");
        }
        steps.add(new GraphSpec.Transfer(true, mode, checkArrays("transferToDevice", objects)));
        return this;
    }

    /** Arrays to copy back after the tasks before it; {@code UNDER_DEMAND} ones only on request. */
    public TaskGraph transferToHost(DataTransferMode mode, Object... objects) {
        steps.add(new GraphSpec.Transfer(false, mode, checkArrays("transferToHost", objects)));
        return this;
    }

    private List<Object> checkArrays(String what, Object[] objects) {
        for (int i = 0; i < objects.length; i++) {
            if (!(objects[i] instanceof NativeArray)) {
                throw new IllegalArgumentException(name + "." + what + ": argument " + i + " is "
                        + (objects[i] == null ? "null" : "a " + objects[i].getClass().getName())
                        + "; only off-heap arrays (FloatArray, IntArray, ...) move between host and device");
            }
        }
        return List.of(objects);
    }

    /**
     * A task from a kernel {@link Method} (a public static void method), for tools that find kernels
     * by reflection (conformance tests, {@code kimi-tornado kernels}). Code should prefer method references.
     */
    public TaskGraph task(String taskName, Method kernel, Object... args) {
        return addTask(taskName, KernelRef.of(kernel), args);
    }

    private TaskGraph addTask(String taskName, Serializable code, Object... args) {
        return addTask(taskName, KernelRef.of(code), args);
    }

    private TaskGraph addTask(String taskName, KernelRef kernel, Object[] args) {
        if (taskName == null || taskName.isEmpty() || taskName.contains(".")) {
            throw new IllegalArgumentException(name + ": task name must be non-empty without '.', got \"" + taskName + "\"");
        }
        if (!taskNames.add(taskName)) throw new IllegalArgumentException(name + ": duplicate task name " + taskName);
        for (int i = 0; i < args.length; i++) {
            if (args[i] == null) throw new IllegalArgumentException(name + "." + taskName + ": argument " + i + " is null");
        }
        steps.add(new GraphSpec.Task(taskName, kernel, List.of(args)));
        return this;
    }

    /** Freezes the graph: later changes to this builder do not affect the snapshot. */
    public ImmutableTaskGraph snapshot() {
        if (steps.stream().noneMatch(s -> s instanceof GraphSpec.Task)) {
            throw new IllegalStateException("task graph " + name + " has no task");
        }
        return new ImmutableTaskGraph(new GraphSpec(name, List.copyOf(steps)));
    }

    public TaskGraph task(String name, Task0 code) {
        return addTask(name, code);
    }

    public <T1> TaskGraph task(String name, Task1<T1> code, T1 a1) {
        return addTask(name, code, a1);
    }

    public <T1, T2> TaskGraph task(String name, Task2<T1, T2> code, T1 a1, T2 a2) {
        return addTask(name, code, a1, a2);
    }

    public <T1, T2, T3> TaskGraph task(String name, Task3<T1, T2, T3> code, T1 a1, T2 a2, T3 a3) {
        return addTask(name, code, a1, a2, a3);
    }

    public <T1, T2, T3, T4> TaskGraph task(String name, Task4<T1, T2, T3, T4> code, T1 a1, T2 a2, T3 a3, T4 a4) {
        return addTask(name, code, a1, a2, a3, a4);
    }

    public <T1, T2, T3, T4, T5> TaskGraph task(String name, Task5<T1, T2, T3, T4, T5> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5) {
        return addTask(name, code, a1, a2, a3, a4, a5);
    }

    public <T1, T2, T3, T4, T5, T6> TaskGraph task(String name, Task6<T1, T2, T3, T4, T5, T6> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6);
    }

    public <T1, T2, T3, T4, T5, T6, T7> TaskGraph task(String name, Task7<T1, T2, T3, T4, T5, T6, T7> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8> TaskGraph task(String name, Task8<T1, T2, T3, T4, T5, T6, T7, T8> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9> TaskGraph task(String name, Task9<T1, T2, T3, T4, T5, T6, T7, T8, T9> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> TaskGraph task(String name, Task10<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> TaskGraph task(String name, Task11<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> TaskGraph task(String name, Task12<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> TaskGraph task(String name, Task13<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> TaskGraph task(String name, Task14<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> TaskGraph task(String name, Task15<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> TaskGraph task(String name, Task16<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15, T16 a16) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17> TaskGraph task(String name, Task17<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15, T16 a16, T17 a17) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18> TaskGraph task(String name, Task18<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15, T16 a16, T17 a17, T18 a18) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19> TaskGraph task(String name, Task19<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15, T16 a16, T17 a17, T18 a18, T19 a19) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19);
    }

    public <T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19, T20> TaskGraph task(String name, Task20<T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, T16, T17, T18, T19, T20> code, T1 a1, T2 a2, T3 a3, T4 a4, T5 a5, T6 a6, T7 a7, T8 a8, T9 a9, T10 a10, T11 a11, T12 a12, T13 a13, T14 a14, T15 a15, T16 a16, T17 a17, T18 a18, T19 a19, T20 a20) {
        return addTask(name, code, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, a13, a14, a15, a16, a17, a18, a19, a20);
    }
}
