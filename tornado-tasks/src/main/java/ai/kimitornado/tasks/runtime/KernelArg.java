package ai.kimitornado.tasks.runtime;

/**
 * One argument of a launch, in the Java method's parameter order. Backends drop what their kernels
 * do not take (the KernelContext parameter is not part of a device kernel's signature).
 */
public sealed interface KernelArg {
    /** An off-heap array: its device buffer, and the host object (the java backend uses the object). */
    record Buffer(DeviceBuffer buffer, Object host) implements KernelArg {}

    /** A primitive passed by value (boxed: Integer, Long, Float, Double, Boolean, Short, Byte, Character). */
    record Scalar(Object value) implements KernelArg {}

    /** The KernelContext parameter, as the user passed it. */
    record Context(Object context) implements KernelArg {}
}
