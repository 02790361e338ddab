package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code long} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class LongArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG_UNALIGNED;
    public static final int ELEMENT_BYTES = 8;

    /** A zeroed array of {@code size} elements. */
    public LongArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private LongArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static LongArray fromSegment(MemorySegment segment) {
        return new LongArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static LongArray fromArray(long... values) {
        LongArray a = new LongArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public long get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, long value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(long value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public long[] toHeapArray() {
        long[] out = new long[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
