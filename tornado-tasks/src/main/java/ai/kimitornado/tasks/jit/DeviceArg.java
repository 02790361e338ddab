package ai.kimitornado.tasks.jit;

import ai.kimitornado.tasks.jit.ir.Reg;

/**
 * One argument of the device kernel's signature, in order (emitters print them in this order; the runtime binds
 * them in this order). ARRAY: the buffer of Java parameter {@code paramIndex} ({@code __global T*}); SCALAR: its
 * value, which the body reads as register {@code reg} (I32 for int/boolean/byte/short/char, I64, F32, F64);
 * ARRAY_SIZE: the element count of array parameter {@code paramIndex} as a 32-bit int, present (after all
 * parameters) only when the kernel calls {@code getSize()} on that array. CONTEXT parameters have no device
 * argument.
 */
public record DeviceArg(Kind kind, int paramIndex, String name, Reg reg) {
    public enum Kind { ARRAY, SCALAR, ARRAY_SIZE }
}
