package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code int} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class IntArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfInt LAYOUT = ValueLayout.JAVA_INT_UNALIGNED;
    public static final int ELEMENT_BYTES = 4;

    /** A zeroed array of {@code size} elements. */
    public IntArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private IntArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static IntArray fromSegment(MemorySegment segment) {
        return new IntArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static IntArray fromArray(int... values) {
        IntArray a = new IntArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public int get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, int value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(int value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public int[] toHeapArray() {
        int[] out = new int[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
