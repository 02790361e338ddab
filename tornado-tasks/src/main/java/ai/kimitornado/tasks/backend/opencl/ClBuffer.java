package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.DeviceBuffer;

import java.lang.foreign.MemorySegment;

/** A cl_mem of {@code bytes} bytes; {@code handleArg} holds the handle as clSetKernelArg wants it. */
public record ClBuffer(MemorySegment mem, MemorySegment handleArg, long bytes, String label) implements DeviceBuffer {
}
