package ai.kimitornado.tasks.backend.opencl;

import java.lang.foreign.MemorySegment;

/** A built cl_program and the cl_kernel of its entry point. Released by {@link OpenClDevice#release}. */
public record ClProgram(MemorySegment program, MemorySegment kernel, String entryName, long maxWorkGroupSize) {
}
