package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.KernelIR;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntToLongFunction;
import java.util.function.IntUnaryOperator;

/**
 * Binds Java kernel arguments to a PTX kernel's parameters, in {@link KernelIR#deviceArgs()} order:
 * ARRAY → the device pointer, SCALAR → the value (boolean/byte/short/char as 32-bit int), ARRAY_SIZE →
 * the element count. The emitter declares exactly this signature.
 */
public final class PtxArguments {
    private PtxArguments() {
    }

    /**
     * @param address device pointer of the array at a Java parameter index
     * @param scalar  boxed value of the scalar at a Java parameter index
     * @param size    element count of the array at a Java parameter index
     */
    public static KernelParams bind(KernelIR ir, KernelParams params, IntToLongFunction address, IntFunction<Object> scalar,
                                    IntUnaryOperator size) {
        List<DeviceArg> args = ir.deviceArgs();
        if (params.count() != args.size()) {
            throw new IllegalArgumentException("kernel " + ir.name() + " takes " + args.size() + " device arguments, params hold "
                    + params.count());
        }
        for (int i = 0; i < args.size(); i++) {
            DeviceArg arg = args.get(i);
            switch (arg.kind()) {
                case ARRAY -> params.pointer(i, address.applyAsLong(arg.paramIndex()));
                case ARRAY_SIZE -> params.intValue(i, size.applyAsInt(arg.paramIndex()));
                case SCALAR -> setScalar(params, i, scalar.apply(arg.paramIndex()), ir, arg);
            }
        }
        return params;
    }

    private static void setScalar(KernelParams params, int slot, Object value, KernelIR ir, DeviceArg arg) {
        switch (value) {
            case Integer v -> params.intValue(slot, v);
            case Long v -> params.longValue(slot, v);
            case Float v -> params.floatValue(slot, v);
            case Double v -> params.doubleValue(slot, v);
            case Boolean v -> params.intValue(slot, v ? 1 : 0);
            case Short v -> params.intValue(slot, v);
            case Byte v -> params.intValue(slot, v);
            case Character v -> params.intValue(slot, v);
            case null, default -> throw new IllegalArgumentException("kernel " + ir.name() + " parameter '" + arg.name()
                    + "' expects a primitive value, got " + value);
        }
    }
}
