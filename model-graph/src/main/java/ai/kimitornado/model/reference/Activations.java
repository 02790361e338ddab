package ai.kimitornado.model.reference;

/** Scalar activation functions, in double. */
public final class Activations {
    private Activations() {
    }

    /** sigmoid(z) = 1 / (1 + e^-z). */
    public static double sigmoid(double z) {
        return 1.0 / (1.0 + Math.exp(-z));
    }

    /** SiLU(z) = z · sigmoid(z). */
    public static double silu(double z) {
        return z * sigmoid(z);
    }

    /** softplus(z) = log(1 + e^z), and z itself above 20 (the PyTorch/fla threshold). */
    public static double softplus(double z) {
        return z > 20.0 ? z : Math.log1p(Math.exp(z));
    }
}
