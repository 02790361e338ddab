package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code float} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class FloatArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfFloat LAYOUT = ValueLayout.JAVA_FLOAT_UNALIGNED;
    public static final int ELEMENT_BYTES = 4;

    /** A zeroed array of {@code size} elements. */
    public FloatArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private FloatArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static FloatArray fromSegment(MemorySegment segment) {
        return new FloatArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static FloatArray fromArray(float... values) {
        FloatArray a = new FloatArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public float get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, float value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(float value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public float[] toHeapArray() {
        float[] out = new float[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
