package ai.kimitornado.weights.checkpoint;

import ai.kimitornado.weights.safetensors.DType;
import java.util.Arrays;

/** The expected dtype and shape of one checkpoint tensor. */
public record TensorSpec(String name, DType dtype, long[] shape) {
    public TensorSpec {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    public long byteSize() {
        return Math.multiplyExact(numel(), (long) dtype.byteSize());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && name.equals(t.name) && dtype == t.dtype && Arrays.equals(shape, t.shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
