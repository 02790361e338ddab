package ai.kimitornado.model.sampling;

/**
 * @param temperature 0 for greedy argmax; otherwise logits are divided by it before the softmax
 * @param topP        nucleus size in (0, 1]: keep the most probable tokens whose cumulative probability first
 *                    reaches topP (1 = the whole distribution)
 * @param seed        seed of the sampler's random stream (same seed + same logits → same tokens)
 */
public record SamplingOptions(double temperature, double topP, long seed) {

    public SamplingOptions {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("SamplingOptions: temperature " + temperature + " must be finite and >= 0");
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("SamplingOptions: top-p " + topP + " must be in (0, 1]");
        }
    }

    public static SamplingOptions greedy() {
        return new SamplingOptions(0, 1, 0);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }
}
