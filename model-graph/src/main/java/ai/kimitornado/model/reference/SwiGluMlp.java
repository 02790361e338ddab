package ai.kimitornado.model.reference;

/**
 * SwiGLU feed-forward: {@code MLP(x) = down · (SiLU(gate · x) ⊙ (up · x))}.
 * gate, up: [I, D]; down: [D, I]. Used for the dense layer-0 MLP, each routed expert (w1 = gate,
 * w3 = up, w2 = down) and the shared experts.
 */
public record SwiGluMlp(Matrix gate, Matrix up, Matrix down) {

    public SwiGluMlp {
        if (gate.rows() != up.rows() || gate.cols() != up.cols() || down.cols() != gate.rows()
                || down.rows() != gate.cols()) {
            throw new IllegalArgumentException("SwiGluMlp: inconsistent shapes gate " + shape(gate) + " up "
                    + shape(up) + " down " + shape(down) + " (expected [I,D],[I,D],[D,I])");
        }
    }

    private static String shape(Matrix m) {
        return m.name() + "[" + m.rows() + "," + m.cols() + "]";
    }

    public int hiddenSize() {
        return gate.cols();
    }

    public int intermediateSize() {
        return gate.rows();
    }

    /** x: [D] → new [D]. */
    public float[] forward(float[] x) {
        int inter = intermediateSize();
        float[] act = new float[inter]; // [I] SiLU(gate·x) ⊙ (up·x)
        for (int i = 0; i < inter; i++) {
            double g = gate.dotRow(i, x, 0);
            double u = up.dotRow(i, x, 0);
            act[i] = (float) (Activations.silu(g) * u);
        }
        float[] out = new float[hiddenSize()]; // [D]
        down.matVec(act, out);
        return out;
    }
}
