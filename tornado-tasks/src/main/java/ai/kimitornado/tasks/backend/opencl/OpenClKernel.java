package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.*;

/**
 * A built OpenCL kernel plus how the Java method's parameters become its arguments: arrays pass their
 * cl_mem, scalars their value, and the KernelContext parameter is dropped. Scalar slots are
 * preallocated so that a launch allocates nothing. Used under the device's lock.
 */
final class OpenClKernel implements LoadedKernel {
    private final String name;
    private final ClProgram program;
    private final String source;
    private final long compileNanos;
    private final boolean fromCache;
    private final Class<?>[] javaParams;
    private final MemorySegment[] slots;     // per Java parameter: scalar slot, or null
    private final MemorySegment[] deviceArgs; // per device argument

    OpenClKernel(String name, ClProgram program, String source, long compileNanos, boolean fromCache,
                 Class<?>[] javaParams, Class<?> contextType, Arena arena) {
        this.name = name;
        this.program = program;
        this.source = source;
        this.compileNanos = compileNanos;
        this.fromCache = fromCache;
        this.javaParams = javaParams;
        this.slots = new MemorySegment[javaParams.length];
        int deviceCount = 0;
        for (int i = 0; i < javaParams.length; i++) {
            Class<?> t = javaParams[i];
            if (t == contextType) continue;
            deviceCount++;
            if (t.isPrimitive()) slots[i] = arena.allocate(scalarBytes(t), 8);
        }
        this.deviceArgs = new MemorySegment[deviceCount];
    }

    /** Bytes of a scalar kernel argument; boolean travels as a 32-bit int, as the emitter declares it. */
    static long scalarBytes(Class<?> t) {
        if (t == long.class || t == double.class) return 8;
        if (t == short.class || t == char.class) return 2;
        if (t == byte.class) return 1;
        return 4;
    }

    ClProgram program() {
        return program;
    }

    MemorySegment[] bindArgs(KernelArg[] args) {
        if (args.length != javaParams.length) {
            throw new TornadoRuntimeException(name + " takes " + javaParams.length + " arguments, got " + args.length);
        }
        int d = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case KernelArg.Context c -> { }
                case KernelArg.Buffer b -> deviceArgs[d++] = ((ClBuffer) b.buffer()).handleArg();
                case KernelArg.Scalar s -> {
                    writeScalar(slots[i], javaParams[i], s.value(), i);
                    deviceArgs[d++] = slots[i];
                }
            }
        }
        return deviceArgs;
    }

    private void writeScalar(MemorySegment slot, Class<?> t, Object v, int index) {
        if (slot == null) throw new TornadoRuntimeException(name + ": argument " + index + " is a scalar but the parameter is " + t.getName());
        try {
            if (t == int.class) slot.set(JAVA_INT, 0, ((Number) v).intValue());
            else if (t == long.class) slot.set(JAVA_LONG, 0, ((Number) v).longValue());
            else if (t == float.class) slot.set(JAVA_FLOAT, 0, ((Number) v).floatValue());
            else if (t == double.class) slot.set(JAVA_DOUBLE, 0, ((Number) v).doubleValue());
            else if (t == short.class) slot.set(JAVA_SHORT, 0, ((Number) v).shortValue());
            else if (t == byte.class) slot.set(JAVA_BYTE, 0, ((Number) v).byteValue());
            else if (t == char.class) slot.set(JAVA_CHAR, 0, (Character) v);
            else if (t == boolean.class) slot.set(JAVA_INT, 0, ((Boolean) v) ? 1 : 0);
            else throw new ClassCastException(t.getName());
        } catch (ClassCastException e) {
            throw new TornadoRuntimeException(name + ": argument " + index + " is a " + v.getClass().getSimpleName()
                    + " but the parameter is " + t.getName());
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
