package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.LaunchEvent;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** A profiled launch: the cl_event lives in {@code slot}; close() releases it and the slot's arena. */
final class ClLaunchEvent implements LaunchEvent {
    private final OpenClDevice device;
    private final Arena arena;
    private final MemorySegment slot;
    private long nanos = -1;
    private boolean closed;

    ClLaunchEvent(OpenClDevice device, Arena arena, MemorySegment slot) {
        this.device = device;
        this.arena = arena;
        this.slot = slot;
    }

    @Override
    public long kernelNanos() {
        if (closed) throw new IllegalStateException("event already released");
        if (nanos < 0) nanos = device.eventNanos(slot);
        return nanos;
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        device.releaseEvent(slot.get(ADDRESS, 0));
        arena.close();
    }
}
