package ai.kimitornado.weights.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor of a safetensors file. {@code data} is a zero-copy, little-endian slice of the memory-mapped file
 * (valid until the owning {@link SafeTensors} is closed); its byte size is exactly {@code numel * dtype.byteSize()}.
 * Tensor data in safetensors files is not necessarily aligned, so all reads use unaligned layouts.
 */
public record TensorView(String name, DType dtype, long[] shape, MemorySegment data, Path file) {

    static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfDouble F64_LE = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public TensorView {
        shape = shape.clone(); // records expose the array; keep ours private to this instance
        long expectedBytes;
        try {
            for (long d : shape) {
                if (d < 0) {
                    throw new ArithmeticException("negative dimension");
                }
            }
            expectedBytes = Math.multiplyExact(numel(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(file + ": tensor '" + name + "': invalid shape " + Arrays.toString(shape)
                    + " (" + e.getMessage() + ")");
        }
        if (data.byteSize() != expectedBytes) {
            throw new SafeTensorsException(file + ": tensor '" + name + "': " + dtype + " " + Arrays.toString(shape)
                    + " needs " + expectedBytes + " bytes but the data slice has " + data.byteSize());
        }
    }

    /** Copy of the shape. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int axis) {
        return shape[axis];
    }

    /** Number of elements (product of the shape; 1 for a scalar). */
    public long numel() {
        return numel(shape);
    }

    static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Element {@code flatIndex} (row-major) widened (or, for F64/I64, rounded) to float. */
    public float getFloat(long flatIndex) {
        checkIndex(flatIndex);
        return readFloat(flatIndex);
    }

    /** Element {@code flatIndex} widened to double. */
    public double getDouble(long flatIndex) {
        checkIndex(flatIndex);
        return readDouble(flatIndex);
    }

    /** Raw bf16/f16 bits of element {@code flatIndex}. */
    public short getShortBits(long flatIndex) {
        checkIndex(flatIndex);
        if (dtype.byteSize() != 2) {
            throw wrongDtype("getShortBits", "BF16 or F16");
        }
        return data.get(I16_LE, flatIndex * 2);
    }

    /** All elements as float (a copy, for small tensors and tests; kernels should read {@link #data()}). */
    public float[] toFloatArray() {
        int n = arrayLength("toFloatArray");
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = readFloat(i);
        }
        return out;
    }

    public double[] toDoubleArray() {
        int n = arrayLength("toDoubleArray");
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = readDouble(i);
        }
        return out;
    }

    /** Integer tensors (I8, U8, BOOL, I32, I64 when every value fits) as int. */
    public int[] toIntArray() {
        int n = arrayLength("toIntArray");
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            long v = readLong(i, "toIntArray");
            if (v != (int) v) {
                throw new SafeTensorsException(file + ": tensor '" + name + "': element " + i + " = " + v
                        + " does not fit in an int (toIntArray)");
            }
            out[i] = (int) v;
        }
        return out;
    }

    /** Integer tensors (I8, U8, BOOL, I32, I64) as long. */
    public long[] toLongArray() {
        int n = arrayLength("toLongArray");
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = readLong(i, "toLongArray");
        }
        return out;
    }

    private float readFloat(long i) {
        return switch (dtype) {
            case BF16 -> Bf16.toFloat(data.get(I16_LE, i * 2));
            case F16 -> Float.float16ToFloat(data.get(I16_LE, i * 2));
            case F32 -> data.get(F32_LE, i * 4);
            case F64 -> (float) data.get(F64_LE, i * 8);
            case I32 -> data.get(I32_LE, i * 4);
            case I64 -> data.get(I64_LE, i * 8);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            case F8_E4M3 -> Fp8.e4m3ToFloat(data.get(ValueLayout.JAVA_BYTE, i));
            case F8_E5M2 -> Fp8.e5m2ToFloat(data.get(ValueLayout.JAVA_BYTE, i));
        };
    }

    private double readDouble(long i) {
        return switch (dtype) {
            case F64 -> data.get(F64_LE, i * 8);
            case I64 -> data.get(I64_LE, i * 8);
            default -> readFloat(i); // every other dtype is exactly representable as float
        };
    }

    private long readLong(long i, String method) {
        return switch (dtype) {
            case I32 -> data.get(I32_LE, i * 4);
            case I64 -> data.get(I64_LE, i * 8);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, i);
            case U8, BOOL -> data.get(ValueLayout.JAVA_BYTE, i) & 0xFF;
            default -> throw wrongDtype(method, "an integer dtype (I8, U8, BOOL, I32, I64)");
        };
    }

    private int arrayLength(String method) {
        long n = numel();
        if (n > Integer.MAX_VALUE - 16) {
            throw new SafeTensorsException(file + ": tensor '" + name + "': " + n
                    + " elements do not fit in one Java array (" + method + "); read data() directly");
        }
        return (int) n;
    }

    private void checkIndex(long flatIndex) {
        if (flatIndex < 0 || flatIndex >= numel()) {
            throw new IndexOutOfBoundsException(file + ": tensor '" + name + "': flat index " + flatIndex
                    + " outside [0, " + numel() + ")");
        }
    }

    private SafeTensorsException wrongDtype(String method, String expected) {
        return new SafeTensorsException(file + ": tensor '" + name + "': " + method + " needs " + expected
                + " but the tensor is " + dtype);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorView t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape)
                && data.equals(t.data) && java.util.Objects.equals(file, t.file);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "TensorView[" + name + " " + dtype + " " + Arrays.toString(shape) + " in " + file + "]";
    }
}
