package ai.kimitornado.model.reference;

import ai.kimitornado.weights.safetensors.DType;
import ai.kimitornado.weights.safetensors.TensorView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * A weight matrix in the PyTorch {@code [out, in]} convention, row-major: {@code W[r][c]} at {@code r * cols + c}.
 * A linear layer is {@code y = W · x}. Backed either by a float array (widened copy) or, zero-copy, by a BF16/F32
 * tensor of a memory-mapped checkpoint (so the 48B model needs no float copy). Both give identical results:
 * bf16 → float is exact and the arithmetic order is the same.
 */
public final class Matrix {
    private static final ValueLayout.OfShort BF16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Matrices with at least this many elements spread their rows over the common pool (results unchanged). */
    private static final long PARALLEL_ELEMENTS = 1L << 20;

    private final String name;
    private final int rows;
    private final int cols;
    private final float[] data;          // [rows*cols] or null
    private final MemorySegment segment; // BF16 or F32 [rows*cols] or null
    private final DType dtype;

    private Matrix(String name, int rows, int cols, float[] data, MemorySegment segment, DType dtype) {
        this.name = Objects.requireNonNull(name, "name");
        this.rows = rows;
        this.cols = cols;
        this.data = data;
        this.segment = segment;
        this.dtype = dtype;
    }

    /** A matrix over {@code data} [rows*cols] (not copied). */
    public static Matrix of(String name, int rows, int cols, float[] data) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("Matrix " + name + ": expected " + rows + "x" + cols
                    + " = " + ((long) rows * cols) + " values, got " + data.length);
        }
        return new Matrix(name, rows, cols, data, null, DType.F32);
    }

    /** A zero-copy matrix over a BF16 or F32 tensor of {@code numel == rows*cols}; valid while its file is open. */
    public static Matrix view(TensorView view, int rows, int cols) {
        if (view.dtype() != DType.BF16 && view.dtype() != DType.F32) {
            throw new IllegalArgumentException("Matrix.view: tensor '" + view.name() + "' in " + view.file() + " is "
                    + view.dtype() + "; the reference reads BF16 or F32 weights");
        }
        if (rows <= 0 || cols <= 0 || view.numel() != (long) rows * cols) {
            throw new IllegalArgumentException("Matrix.view: tensor '" + view.name() + "' " + Arrays.toString(view.shape())
                    + " is not " + rows + "x" + cols);
        }
        return new Matrix(view.name(), rows, cols, null, view.data(), view.dtype());
    }

    public String name() {
        return name;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public float get(int r, int c) {
        long i = (long) r * cols + c;
        if (data != null) {
            return data[(int) i];
        }
        return dtype == DType.BF16
                ? Float.intBitsToFloat(segment.get(BF16_LE, i * 2) << 16)
                : segment.get(F32_LE, i * 4);
    }

    /** Copies row r (widened) into dst [cols]. */
    public void row(int r, float[] dst) {
        for (int c = 0; c < cols; c++) {
            dst[c] = get(r, c);
        }
    }

    /** out[r] = Σ_c W[r][c] · x[c] (double accumulation). x: [cols], out: [rows]. */
    public void matVec(float[] x, float[] out) {
        matVec(x, 0, out, 0);
    }

    /** out[outOff + r] = Σ_c W[r][c] · x[xOff + c] (double accumulation). */
    public void matVec(float[] x, int xOff, float[] out, int outOff) {
        if (x.length - xOff < cols || out.length - outOff < rows) {
            throw new IllegalArgumentException("Matrix.matVec " + name + " [" + rows + "x" + cols
                    + "]: input has " + (x.length - xOff) + " values from offset, output room " + (out.length - outOff));
        }
        IntStream range = IntStream.range(0, rows);
        if ((long) rows * cols >= PARALLEL_ELEMENTS) {
            range = range.parallel(); // rows are independent: same result as the sequential loop
        }
        range.forEach(r -> out[outOff + r] = (float) dotRow(r, x, xOff));
    }

    /** Σ_c W[r][c] · x[xOff + c] in double. */
    public double dotRow(int r, float[] x, int xOff) {
        double acc = 0;
        long base = (long) r * cols;
        if (data != null) {
            int b = (int) base;
            for (int c = 0; c < cols; c++) {
                acc += (double) data[b + c] * x[xOff + c];
            }
        } else if (dtype == DType.BF16) {
            for (int c = 0; c < cols; c++) {
                float w = Float.intBitsToFloat(segment.get(BF16_LE, (base + c) * 2) << 16);
                acc += (double) w * x[xOff + c];
            }
        } else {
            for (int c = 0; c < cols; c++) {
                acc += (double) segment.get(F32_LE, (base + c) * 4) * x[xOff + c];
            }
        }
        return acc;
    }

    /** out = W · x for a block of row vectors: x [T][cols] → out [T][rows]. */
    public float[][] matVecAll(float[][] x) {
        float[][] out = new float[x.length][rows];
        for (int t = 0; t < x.length; t++) {
            matVec(x[t], out[t]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Matrix[" + name + " " + rows + "x" + cols + (data != null ? " float" : " view " + dtype) + "]";
    }
}
