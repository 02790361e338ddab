package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code byte} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class ByteArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfByte LAYOUT = ValueLayout.JAVA_BYTE;
    public static final int ELEMENT_BYTES = 1;

    /** A zeroed array of {@code size} elements. */
    public ByteArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private ByteArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static ByteArray fromSegment(MemorySegment segment) {
        return new ByteArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static ByteArray fromArray(byte... values) {
        ByteArray a = new ByteArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public byte get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, byte value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(byte value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public byte[] toHeapArray() {
        byte[] out = new byte[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
