package ai.kimitornado.tasks.jit.ir;

import ai.kimitornado.tasks.jit.ElemType;

/**
 * A pointer with an address space, resolved statically by the front end (kernels cannot choose arrays
 * dynamically). GLOBAL: kernel parameter {@code index} (an off-heap array); LOCAL: work-group local array
 * {@code index} of {@code KernelIR.localArrays()}, {@code length} elements.
 */
public record ArrayRef(Space space, ElemType elem, int index, int length) {
    public enum Space { GLOBAL, LOCAL }

    @Override
    public String toString() {
        return (space == Space.GLOBAL ? "global" : "local") + "#" + index + ":" + elem;
    }
}
