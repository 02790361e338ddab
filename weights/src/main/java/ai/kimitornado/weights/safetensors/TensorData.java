package ai.kimitornado.weights.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * A tensor to write: name, dtype, shape and its little-endian bytes ({@code numel * dtype.byteSize()} of them).
 * The factories copy Java arrays into little-endian bytes; {@link #of(String, DType, long[], MemorySegment)}
 * wraps existing memory without copying (e.g. a {@link TensorView#data()} of another file).
 */
public record TensorData(String name, DType dtype, long[] shape, MemorySegment data) {

    public TensorData {
        shape = shape.clone();
        long expected;
        try {
            expected = Math.multiplyExact(TensorView.numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafeTensorsException("tensor '" + name + "': shape " + Arrays.toString(shape) + " overflows");
        }
        for (long d : shape) {
            if (d < 0) {
                throw new SafeTensorsException("tensor '" + name + "': negative dimension in " + Arrays.toString(shape));
            }
        }
        if (data.byteSize() != expected) {
            throw new SafeTensorsException("tensor '" + name + "': " + dtype + " " + Arrays.toString(shape) + " needs "
                    + expected + " bytes but " + data.byteSize() + " were given");
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public static TensorData of(String name, DType dtype, long[] shape, MemorySegment data) {
        return new TensorData(name, dtype, shape, data);
    }

    public static TensorData of(String name, DType dtype, long[] shape, byte[] littleEndianBytes) {
        return new TensorData(name, dtype, shape, MemorySegment.ofArray(littleEndianBytes));
    }

    public static TensorData of(TensorView view) {
        return new TensorData(view.name(), view.dtype(), view.shape(), view.data());
    }

    public static TensorData f32(String name, long[] shape, float[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) {
            seg.set(TensorView.F32_LE, i * 4L, values[i]);
        }
        return new TensorData(name, DType.F32, shape, seg);
    }

    /** Rounds each value to bf16 (nearest even). */
    public static TensorData bf16(String name, long[] shape, float[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 2]);
        for (int i = 0; i < values.length; i++) {
            seg.set(TensorView.I16_LE, i * 2L, Bf16.fromFloat(values[i]));
        }
        return new TensorData(name, DType.BF16, shape, seg);
    }

    public static TensorData i32(String name, long[] shape, int[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 4]);
        for (int i = 0; i < values.length; i++) {
            seg.set(TensorView.I32_LE, i * 4L, values[i]);
        }
        return new TensorData(name, DType.I32, shape, seg);
    }

    public static TensorData i64(String name, long[] shape, long[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 8]);
        for (int i = 0; i < values.length; i++) {
            seg.set(TensorView.I64_LE, i * 8L, values[i]);
        }
        return new TensorData(name, DType.I64, shape, seg);
    }

    public static TensorData f64(String name, long[] shape, double[] values) {
        MemorySegment seg = MemorySegment.ofArray(new byte[values.length * 8]);
        for (int i = 0; i < values.length; i++) {
            seg.set(TensorView.F64_LE, i * 8L, values[i]);
        }
        return new TensorData(name, DType.F64, shape, seg);
    }

    /** A copy of the bytes (tests). */
    public byte[] bytes() {
        return data.toArray(ValueLayout.JAVA_BYTE);
    }


    @Override
    public boolean equals(Object o) {
        return o instanceof TensorData t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data.byteSize() == t.data.byteSize() && data.mismatch(t.data) == -1;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorData[" + name + " " + dtype + " " + Arrays.toString(shape) + "]";
    }
}
