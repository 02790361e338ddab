package ai.kimitornado.tasks.jit;

/**
 * A Java parameter of the kernel. ARRAY: an off-heap array ({@code elem} its element type; read/written from
 * the kernel's loads, stores and atomics). SCALAR: passed by value ({@code elem} INT for boolean/byte/short/char
 * too). CONTEXT: the KernelContext argument, absent from the device signature.
 */
public record KernelParam(int index, String name, Kind kind, ElemType elem, boolean read, boolean written) {
    public enum Kind { ARRAY, SCALAR, CONTEXT }
}
