package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.api.DataTransferMode;

import ai.kimitornado.tasks.jit.KernelRef;
import java.util.List;

/**
 * The frozen content of a task graph, in declaration order: what the runtime executes.
 *
 * @param steps transfers to the device, tasks, and transfers to the host, in the order declared
 */
public record GraphSpec(String name, List<Step> steps) {

    public sealed interface Step {}

    /** {@code transferToDevice} ({@code toDevice}) or {@code transferToHost}. */
    public record Transfer(boolean toDevice, DataTransferMode mode, List<Object> objects) implements Step {}

    /**
     * A kernel launch: the kernel and its arguments. Identity matters: the executor keys compiled
     * tasks by the Task object, so equal-looking tasks of two graphs are still two tasks.
     */
    public record Task(String name, KernelRef kernel, List<Object> args) implements Step {
        public String qualifiedName(String graph) {
            return graph + "." + name;
        }
    }

    public List<Task> tasks() {
        return steps.stream().filter(s -> s instanceof Task).map(s -> (Task) s).toList();
    }
}
