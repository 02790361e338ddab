package ai.kimitornado.tasks.types.arrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Base of the off-heap kernel arrays: a {@link MemorySegment} with no header, so an mmap'd slice of a
 * weights file is a zero-copy array and the device buffer is a byte-for-byte copy of it.
 * Elements are in native (little-endian) byte order.
 */
public abstract sealed class NativeArray
        permits FloatArray, DoubleArray, IntArray, LongArray, ShortArray, ByteArray, HalfFloatArray, BFloat16Array {

    /** Alignment of arrays this class allocates: one cache line, enough for every vector load. */
    static final long ALLOCATION_ALIGNMENT = 64;

    protected final MemorySegment segment;
    private final int size;

    NativeArray(MemorySegment segment, int elementBytes) {
        if (segment.byteSize() % elementBytes != 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": segment of " + segment.byteSize()
                    + " bytes is not a whole number of " + elementBytes + "-byte elements");
        }
        long n = segment.byteSize() / elementBytes;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + n + " elements exceed int indexing");
        }
        this.segment = segment;
        this.size = (int) n;
    }

    /** Zeroed, 64-byte aligned, GC-managed memory for {@code elements} elements. */
    static MemorySegment allocate(long elements, int elementBytes) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative array size " + elements);
        }
        return Arena.ofAuto().allocate(elements * elementBytes, ALLOCATION_ALIGNMENT);
    }

    /** The backing memory, exactly {@code getSize() * elementBytes()} bytes. */
    public final MemorySegment segment() {
        return segment;
    }

    /** Number of elements. */
    public final int getSize() {
        return size;
    }

    private static final java.lang.foreign.ValueLayout.OfLong PACKED =
            java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    /**
     * The 8 bytes of 16-bit elements {@code index..index+3} as one little-endian long (getBits4 of the 16-bit
     * arrays), with the alignment rule devices need checked here.
     */
    final long packed4(int index) {
        if ((index & 3) != 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ".getBits4(" + index
                    + "): the index must be a multiple of 4 (on devices it is one aligned 8-byte load)");
        }
        if (index < 0 || index > size - 4) {
            throw new IndexOutOfBoundsException(getClass().getSimpleName() + ".getBits4(" + index + "): elements "
                    + index + ".." + (index + 3) + " out of bounds for size " + size);
        }
        return segment.get(PACKED, (long) index * 2);
    }

    /** Bytes per element. */
    public abstract int elementBytes();

    /** Total bytes of the array. */
    public final long getNumBytes() {
        return segment.byteSize();
    }

    /** Sets every byte to zero. */
    public final void clear() {
        segment.fill((byte) 0);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + size + "]";
    }
}
