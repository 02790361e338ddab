package ai.kimitornado.model.reference;

import java.util.Objects;

/**
 * A weight matrix in the PyTorch {@code [out, in]} convention, widened to float, row-major:
 * {@code W[r][c] = data[r * cols + c]}. A linear layer is {@code y = W · x}.
 */
public record Matrix(String name, int rows, int cols, float[] data) {

    public Matrix {
        Objects.requireNonNull(name, "name");
        if (rows <= 0 || cols <= 0 || (long) rows * cols != data.length) {
            throw new IllegalArgumentException("Matrix " + name + ": expected " + rows + "x" + cols
                    + " = " + ((long) rows * cols) + " values, got " + data.length);
        }
    }

    public float get(int r, int c) {
        return data[r * cols + c];
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
        for (int r = 0; r < rows; r++) {
            out[outOff + r] = (float) dotRow(r, x, xOff);
        }
    }

    /** Σ_c W[r][c] · x[xOff + c] in double. */
    public double dotRow(int r, float[] x, int xOff) {
        double acc = 0;
        int base = r * cols;
        for (int c = 0; c < cols; c++) {
            acc += (double) data[base + c] * x[xOff + c];
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
}
