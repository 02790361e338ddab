package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code short} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class ShortArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    /** A zeroed array of {@code size} elements. */
    public ShortArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private ShortArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static ShortArray fromSegment(MemorySegment segment) {
        return new ShortArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static ShortArray fromArray(short... values) {
        ShortArray a = new ShortArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public short get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, short value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(short value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public short[] toHeapArray() {
        short[] out = new short[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
