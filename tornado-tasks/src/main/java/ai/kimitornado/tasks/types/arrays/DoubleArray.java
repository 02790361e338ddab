package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Off-heap array of {@code double} (no header; see {@link NativeArray}). Usable inside kernels: get, set, getSize. */
public final class DoubleArray extends NativeArray {
    /** Unaligned layout: zero-copy views of file slices need not be aligned to the element size. */
    private static final ValueLayout.OfDouble LAYOUT = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    public static final int ELEMENT_BYTES = 8;

    /** A zeroed array of {@code size} elements. */
    public DoubleArray(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private DoubleArray(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (its size must be a multiple of {@value #ELEMENT_BYTES} bytes). */
    public static DoubleArray fromSegment(MemorySegment segment) {
        return new DoubleArray(segment);
    }

    /** A new off-heap copy of {@code values}. */
    public static DoubleArray fromArray(double... values) {
        DoubleArray a = new DoubleArray(values.length);
        MemorySegment.copy(values, 0, a.segment, LAYOUT, 0, values.length);
        return a;
    }

    public double get(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    public void set(int index, double value) {
        segment.setAtIndex(LAYOUT, index, value);
    }

    /** Sets every element to {@code value}. */
    public void init(double value) {
        for (int i = 0; i < getSize(); i++) {
            set(i, value);
        }
    }

    public double[] toHeapArray() {
        double[] out = new double[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
