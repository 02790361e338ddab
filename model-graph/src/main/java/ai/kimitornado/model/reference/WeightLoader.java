package ai.kimitornado.model.reference;

import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.TensorView;
import java.util.Arrays;

/**
 * Reads checkpoint tensors by name and checks their shapes. Matrices are widened to float copies or kept as
 * zero-copy views of the mapped file; vectors (norms, biases, conv taps, gate parameters) are always copied.
 */
final class WeightLoader {
    private final SafeTensors tensors;
    private final boolean widen;

    WeightLoader(SafeTensors tensors, boolean widen) {
        this.tensors = tensors;
        this.widen = widen;
    }

    boolean contains(String name) {
        return tensors.contains(name);
    }

    /** A 2-D [rows, cols] weight. */
    Matrix matrix(String name, int rows, int cols) {
        TensorView view = view(name);
        long[] shape = view.shape();
        if (shape.length != 2 || shape[0] != rows || shape[1] != cols) {
            throw mismatch(view, "[" + rows + ", " + cols + "]");
        }
        return widen ? Matrix.of(name, rows, cols, view.toFloatArray()) : Matrix.view(view, rows, cols);
    }

    /**
     * A tensor with {@code expected} dims after dropping size-1 axes (A_log [1,1,H,1] → [H];
     * conv [C,1,W] → [C,W]), flattened.
     */
    float[] flat(String name, int... expected) {
        TensorView view = view(name);
        long[] squeezed = Arrays.stream(view.shape()).filter(d -> d != 1).toArray();
        long[] want = Arrays.stream(expected).asLongStream().filter(d -> d != 1).toArray();
        if (!Arrays.equals(squeezed, want)) {
            throw mismatch(view, Arrays.toString(expected) + " (size-1 axes ignored)");
        }
        return view.toFloatArray();
    }

    private TensorView view(String name) {
        if (!tensors.contains(name)) {
            throw new IllegalArgumentException("ReferenceModel: checkpoint " + tensors.source()
                    + " has no tensor '" + name + "'");
        }
        return tensors.tensor(name);
    }

    private static IllegalArgumentException mismatch(TensorView view, String expected) {
        return new IllegalArgumentException("ReferenceModel: tensor '" + view.name() + "' in " + view.file()
                + " has shape " + Arrays.toString(view.shape()) + ", expected " + expected);
    }
}
