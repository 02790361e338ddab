package ai.kimitornado.tasks.backend.spirv;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import ai.kimitornado.tasks.backend.opencl.ClBuffer;
import ai.kimitornado.tasks.backend.opencl.ClProgram;
import ai.kimitornado.tasks.jit.DeviceArg;
import ai.kimitornado.tasks.jit.KernelParam;
import ai.kimitornado.tasks.runtime.KernelArg;
import ai.kimitornado.tasks.runtime.LoadedKernel;
import ai.kimitornado.tasks.runtime.TornadoRuntimeException;
import ai.kimitornado.tasks.types.arrays.NativeArray;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A SPIR-V kernel built on one device, and how the Java arguments become its device arguments, in the
 * order of {@link DeviceArg}s (arrays: cl_mem; scalars: value, boolean/byte/short/char as a 32-bit int;
 * ARRAY_SIZE: the array's element count). Scalar slots are preallocated so a launch allocates nothing.
 */
final class SpirvKernel implements LoadedKernel {
    private final String name;
    private final ClProgram program;
    private final byte[] module;
    private String code; // spirv-dis text, made on first request
    private final long compileNanos;
    private final boolean fromCache;
    private final SpirvRoute route;
    private final List<DeviceArg> deviceArgs;
    private final List<KernelParam> params;
    private final MemorySegment[] slots;
    private final MemorySegment[] values;

    SpirvKernel(String name, ClProgram program, byte[] module, long compileNanos, boolean fromCache, SpirvRoute route,
                List<DeviceArg> deviceArgs, List<KernelParam> params, Arena arena) {
        this.name = name;
        this.program = program;
        this.module = module;
        this.compileNanos = compileNanos;
        this.fromCache = fromCache;
        this.route = route;
        this.deviceArgs = deviceArgs;
        this.params = params;
        this.slots = new MemorySegment[deviceArgs.size()];
        for (int i = 0; i < deviceArgs.size(); i++) {
            if (deviceArgs.get(i).kind() != DeviceArg.Kind.ARRAY) {
                slots[i] = arena.allocate(8, 8);
            }
        }
        this.values = new MemorySegment[deviceArgs.size()];
    }

    ClProgram program() {
        return program;
    }

    SpirvRoute route() {
        return route;
    }

    MemorySegment[] bindArgs(KernelArg[] args) {
        if (args.length != params.size()) {
            throw new TornadoRuntimeException(name + " takes " + params.size() + " arguments, got " + args.length);
        }
        for (int i = 0; i < deviceArgs.size(); i++) {
            DeviceArg arg = deviceArgs.get(i);
            KernelArg given = args[arg.paramIndex()];
            values[i] = switch (arg.kind()) {
                case ARRAY -> buffer(given, arg).handleArg();
                case SCALAR -> scalar(slots[i], params.get(arg.paramIndex()), given, arg);
                case ARRAY_SIZE -> {
                    if (!(given instanceof KernelArg.Buffer b) || !(b.host() instanceof NativeArray array)) {
                        throw mismatch(arg, "an off-heap array", given);
                    }
                    slots[i].set(JAVA_INT, 0, array.getSize());
                    yield slots[i].asSlice(0, 4);
                }
            };
        }
        return values;
    }

    private ClBuffer buffer(KernelArg given, DeviceArg arg) {
        if (given instanceof KernelArg.Buffer b && b.buffer() instanceof ClBuffer cl) {
            return cl;
        }
        throw mismatch(arg, "an array buffer of this device", given);
    }

    private MemorySegment scalar(MemorySegment slot, KernelParam param, KernelArg given, DeviceArg arg) {
        if (!(given instanceof KernelArg.Scalar s)) {
            throw mismatch(arg, "a scalar", given);
        }
        Object v = s.value();
        try {
            return switch (param.elem()) {
                case LONG -> {
                    slot.set(JAVA_LONG, 0, ((Number) v).longValue());
                    yield slot.asSlice(0, 8);
                }
                case FLOAT -> {
                    slot.set(JAVA_FLOAT, 0, ((Number) v).floatValue());
                    yield slot.asSlice(0, 4);
                }
                case DOUBLE -> {
                    slot.set(JAVA_DOUBLE, 0, ((Number) v).doubleValue());
                    yield slot.asSlice(0, 8);
                }
                default -> {
                    int asInt = switch (v) {
                        case Boolean bool -> bool ? 1 : 0;
                        case Character c -> c;
                        case Number n -> n.intValue();
                        default -> throw new ClassCastException(v.getClass().getName());
                    };
                    slot.set(JAVA_INT, 0, asInt);
                    yield slot.asSlice(0, 4);
                }
            };
        } catch (ClassCastException e) {
            throw mismatch(arg, param.elem().name().toLowerCase(java.util.Locale.ROOT), given);
        }
    }

    private TornadoRuntimeException mismatch(DeviceArg arg, String expected, KernelArg given) {
        return new TornadoRuntimeException(name + ": argument " + arg.paramIndex() + " (" + arg.name() + ") must be "
                + expected + ", got " + given);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized String generatedCode() {
        if (code == null) {
            code = SpirvKernelCompiler.readableCode(module);
        }
        return code;
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
