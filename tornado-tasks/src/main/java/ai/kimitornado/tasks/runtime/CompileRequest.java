package ai.kimitornado.tasks.runtime;

import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.jit.KernelRef;

/**
 * Backend SPI: what {@link Device#compile} gets. The front end has already run (the IR is verified);
 * the backend emits its code from {@code ir}, builds it, and may use {@code ref} (the java backend
 * invokes {@code ref.method()}).
 *
 * @param taskName "graph.task", for messages
 */
public record CompileRequest(KernelRef ref, KernelIR ir, String taskName, CompileOptions options) {
}
