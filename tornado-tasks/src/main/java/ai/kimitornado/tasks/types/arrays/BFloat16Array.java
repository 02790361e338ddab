package ai.kimitornado.tasks.types.arrays;

import ai.kimitornado.tasks.types.BFloat16;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Off-heap array of bfloat16 values stored as raw 16-bit patterns (no header; see {@link NativeArray}).
 * Inside kernels: {@code getFloat/setFloat} (converting, round to nearest even), {@code getBits/setBits}, getSize.
 */
public final class BFloat16Array extends NativeArray {
    private static final ValueLayout.OfShort LAYOUT = ValueLayout.JAVA_SHORT_UNALIGNED;
    public static final int ELEMENT_BYTES = 2;

    /** A zeroed array (all +0.0) of {@code size} elements. */
    public BFloat16Array(int size) {
        super(allocate(size, ELEMENT_BYTES), ELEMENT_BYTES);
    }

    private BFloat16Array(MemorySegment segment) {
        super(segment, ELEMENT_BYTES);
    }

    /** Zero-copy view of {@code segment} (an even number of bytes). */
    public static BFloat16Array fromSegment(MemorySegment segment) {
        return new BFloat16Array(segment);
    }

    /** A new array holding {@code values} narrowed to 16 bits. */
    public static BFloat16Array fromArray(float... values) {
        BFloat16Array a = new BFloat16Array(values.length);
        for (int i = 0; i < values.length; i++) {
            a.setFloat(i, values[i]);
        }
        return a;
    }

    /** A new array holding the raw 16-bit patterns {@code bits}. */
    public static BFloat16Array fromBits(short... bits) {
        BFloat16Array a = new BFloat16Array(bits.length);
        MemorySegment.copy(bits, 0, a.segment, LAYOUT, 0, bits.length);
        return a;
    }

    public float getFloat(int index) {
        return BFloat16.toFloat(getBits(index));
    }

    public void setFloat(int index, float value) {
        setBits(index, BFloat16.fromFloat(value));
    }

    public short getBits(int index) {
        return segment.getAtIndex(LAYOUT, index);
    }

    /**
     * Kernel-side wide read: the bit patterns of elements {@code index..index+3} packed little-endian in a long
     * (element {@code index} in bits 0..15, {@code index+3} in bits 48..63). On devices it is ONE aligned 8-byte
     * load (OpenCL C pointer cast, PTX {@code ld.global[.nc].u64}, SPIR-V OpBitcast + Aligned 8 OpLoad): decode
     * GEMVs are bandwidth-bound and 2-byte loads waste most of it. {@code index} must be a multiple of 4 (a
     * constant that is not is rejected by the JIT; here, on the JVM, IllegalArgumentException; on devices a
     * misaligned load is undefined: a fault on CUDA). Out of range: IndexOutOfBoundsException here, undefined on
     * devices (like {@code getBits}). The JIT rejects it in a kernel that also writes this array.
     */
    public long getBits4(int index) {
        return packed4(index);
    }

    public void setBits(int index, short bits) {
        segment.setAtIndex(LAYOUT, index, bits);
    }

    /** Sets every element to {@code value} (narrowed once). */
    public void init(float value) {
        short bits = BFloat16.fromFloat(value);
        for (int i = 0; i < getSize(); i++) {
            setBits(i, bits);
        }
    }

    /** The values widened to float. */
    public float[] toHeapArray() {
        float[] out = new float[getSize()];
        for (int i = 0; i < out.length; i++) {
            out[i] = getFloat(i);
        }
        return out;
    }

    /** The raw 16-bit patterns. */
    public short[] toBitsArray() {
        short[] out = new short[getSize()];
        MemorySegment.copy(segment, LAYOUT, 0, out, 0, out.length);
        return out;
    }

    @Override
    public int elementBytes() {
        return ELEMENT_BYTES;
    }
}
