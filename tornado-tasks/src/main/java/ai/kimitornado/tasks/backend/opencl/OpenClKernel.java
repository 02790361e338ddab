package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.ElemType;
import ai.kimitornado.tasks.jit.KernelIR;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import ai.kimitornado.tasks.types.arrays.NativeArray;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.*;

/**
 * A built OpenCL kernel plus how the Java arguments become its device arguments, in the order of
 * {@link KernelIR#deviceArgs()}: arrays pass their cl_mem, scalars their value (boolean, byte, short
 * and char as a 32-bit int), ARRAY_SIZE the element count of an array, and the KernelContext
 * parameter nothing. Scalar slots are preallocated so that a launch allocates nothing. Used under
 * the device's lock.
 */
final class OpenClKernel implements LoadedKernel {
    private final String name;
    private final ClProgram program;
    private final String source;
    private final long compileNanos;
    private final boolean fromCache;
    private final List<DeviceArg> signature;
    private final ElemType[] scalarTypes;      // per device argument: the slot's type, or null for arrays
    private final MemorySegment[] deviceArgs;  // per device argument: what clSetKernelArg receives
    private final int javaParameterCount;

    OpenClKernel(String name, ClProgram program, String source, long compileNanos, boolean fromCache, KernelIR ir, Arena arena) {
        this.name = name;
        this.program = program;
        this.source = source;
        this.compileNanos = compileNanos;
        this.fromCache = fromCache;
        this.signature = ir.deviceArgs();
        this.javaParameterCount = ir.params().size();
        this.scalarTypes = new ElemType[signature.size()];
        this.deviceArgs = new MemorySegment[signature.size()];
        for (int i = 0; i < signature.size(); i++) {
            DeviceArg a = signature.get(i);
            switch (a.kind()) {
                case ARRAY -> { }
                case SCALAR -> scalarTypes[i] = ir.params().get(a.paramIndex()).elem();
                case ARRAY_SIZE -> scalarTypes[i] = ElemType.INT;
            }
            if (scalarTypes[i] != null) deviceArgs[i] = arena.allocate(scalarTypes[i].bytes(), 8);
        }
    }

    ClProgram program() {
        return program;
    }

    MemorySegment[] bindArgs(KernelArg[] args) {
        if (args.length != javaParameterCount) {
            throw new TornadoRuntimeException(name + " takes " + javaParameterCount + " arguments, got " + args.length);
        }
        for (int i = 0; i < signature.size(); i++) {
            DeviceArg a = signature.get(i);
            KernelArg arg = args[a.paramIndex()];
            switch (a.kind()) {
                case ARRAY -> {
                    if (!(arg instanceof KernelArg.Buffer b)) throw mismatch(a, arg);
                    deviceArgs[i] = ((ClBuffer) b.buffer()).handleArg();
                }
                case ARRAY_SIZE -> {
                    if (!(arg instanceof KernelArg.Buffer b)) throw mismatch(a, arg);
                    deviceArgs[i].set(JAVA_INT, 0, ((NativeArray) b.host()).getSize());
                }
                case SCALAR -> {
                    if (!(arg instanceof KernelArg.Scalar s)) throw mismatch(a, arg);
                    writeScalar(deviceArgs[i], scalarTypes[i], s.value(), a);
                }
            }
        }
        return deviceArgs;
    }

    private TornadoRuntimeException mismatch(DeviceArg a, KernelArg arg) {
        return new TornadoRuntimeException(name + ": parameter " + a.paramIndex() + " (" + a.name() + ") is "
                + a.kind() + " but the task passes " + arg);
    }

    private void writeScalar(MemorySegment slot, ElemType type, Object v, DeviceArg a) {
        Number num = switch (v) {
            case Boolean b -> b ? 1 : 0;
            case Character c -> (int) c;
            case Number n -> n;
            default -> throw mismatch(a, new KernelArg.Scalar(v));
        };
        switch (type) {
            case INT -> slot.set(JAVA_INT, 0, num.intValue());
            case LONG -> slot.set(JAVA_LONG, 0, num.longValue());
            case FLOAT -> slot.set(JAVA_FLOAT, 0, num.floatValue());
            case DOUBLE -> slot.set(JAVA_DOUBLE, 0, num.doubleValue());
            default -> throw new TornadoRuntimeException(name + ": unexpected scalar type " + type + " for " + a.name());
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String generatedCode() {
        return source;
    }

    @Override
    public long compileNanos() {
        return compileNanos;
    }

    @Override
    public boolean fromCache() {
        return fromCache;
    }
}
