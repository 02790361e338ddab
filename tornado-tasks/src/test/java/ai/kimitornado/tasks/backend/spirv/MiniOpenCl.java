package ai.kimitornado.tasks.backend.spirv;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import ai.kimitornado.tasks.backend.opencl.ClBuffer;
import ai.kimitornado.tasks.backend.opencl.ClProgram;
import ai.kimitornado.tasks.backend.opencl.OpenClBackend;
import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.runtime.LaunchGrid;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Test-only: runs SPIR 1.2 bitcode (from llvm-spirv-15) on the first OpenCL device with {@code cl_khr_spir},
 * through the runtime's OpenCL device (its binding, buffers and launches), below the SPIR-V backend, so
 * hand-built modules and hand-written IR can be executed without a task graph.
 */
final class MiniOpenCl implements AutoCloseable {
    private final OpenClDevice device;
    private final Arena arena = Arena.ofShared();
    private final Map<ClProgram, MemorySegment[]> arguments = new IdentityHashMap<>();

    private MiniOpenCl(OpenClDevice device) {
        this.device = device;
    }

    /** Null when no OpenCL device with cl_khr_spir exists. */
    static MiniOpenCl open() {
        OpenClBackend opencl = new OpenClBackend();
        for (OpenClDevice d : opencl.devices()) {
            if (d.info().extensions().contains("cl_khr_spir")) {
                return new MiniOpenCl(d);
            }
        }
        return null;
    }

    /** Builds SPIR bitcode with the translator route's options; a failure carries the build log. */
    ClProgram kernel(byte[] bitcode, String name) {
        ClProgram program = device.buildFromBinary(bitcode, name, SpirvRoute.TRANSLATOR.buildOptions());
        arguments.put(program, new MemorySegment[0]);
        return program;
    }

    ClBuffer buffer(MemorySegment host) {
        ClBuffer b = (ClBuffer) device.allocate(host.byteSize(), "test");
        device.copyIn(b, host);
        return b;
    }

    void argBuffer(ClProgram kernel, int index, ClBuffer buffer) {
        arg(kernel, index, buffer.handleArg());
    }

    void arg(ClProgram kernel, int index, MemorySegment value) {
        MemorySegment[] args = arguments.get(kernel);
        if (args.length <= index) {
            args = java.util.Arrays.copyOf(args, index + 1);
            arguments.put(kernel, args);
        }
        args[index] = value;
    }

    MemorySegment scalarInt(int v) {
        return arena.allocateFrom(JAVA_INT, v);
    }

    void run(ClProgram kernel, long[] global, long[] local) {
        device.launch(kernel, arguments.get(kernel), new LaunchGrid(global, local), false, kernel.entryName());
        device.synchronize();
    }

    void read(ClBuffer buffer, MemorySegment host) {
        device.copyOut(host, buffer);
    }

    Arena arena() {
        return arena;
    }

    @Override
    public void close() {
        device.close();
        arena.close();
    }

}
