package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * cuLaunchKernel's {@code kernelParams}: an array of pointers, one per kernel parameter, each to the
 * parameter's value. Built once per task with one 8-byte slot per parameter; later launches only
 * overwrite slot values, so a launch allocates nothing.
 */
public final class KernelParams {
    private final MemorySegment values;   // [count] × 8 bytes
    private final MemorySegment pointers; // [count] × void*
    private final int count;

    public KernelParams(int count) {
        this.count = count;
        Arena arena = Arena.ofAuto();
        this.values = arena.allocate(8L * Math.max(1, count), 8);
        this.pointers = arena.allocate(ADDRESS, Math.max(1, count));
        for (int i = 0; i < count; i++) {
            pointers.setAtIndex(ADDRESS, i, values.asSlice(8L * i, 8));
        }
    }

    public int count() {
        return count;
    }

    /** A device pointer (array parameter, PTX {@code .param .u64}). */
    public KernelParams pointer(int index, long deviceAddress) {
        values.setAtIndex(JAVA_LONG, check(index), deviceAddress);
        return this;
    }

    public KernelParams intValue(int index, int value) {
        values.set(JAVA_INT, 8L * check(index), value);
        return this;
    }

    public KernelParams longValue(int index, long value) {
        values.setAtIndex(JAVA_LONG, check(index), value);
        return this;
    }

    public KernelParams floatValue(int index, float value) {
        values.set(JAVA_FLOAT, 8L * check(index), value);
        return this;
    }

    public KernelParams doubleValue(int index, double value) {
        values.setAtIndex(JAVA_DOUBLE, check(index), value);
        return this;
    }

    MemorySegment pointers() {
        return count == 0 ? MemorySegment.NULL : pointers;
    }

    private int check(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("kernel parameter " + index + " of " + count);
        }
        return index;
    }
}
