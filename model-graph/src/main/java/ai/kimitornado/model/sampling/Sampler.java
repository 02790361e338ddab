package ai.kimitornado.model.sampling;

/** Picks the next token id from a row of logits [V]. Implementations may keep state (a random stream). */
public interface Sampler {
    int sample(float[] logits);

    /** Greedy when {@code options.temperature() == 0}, else temperature + top-p with the options' seed. */
    static Sampler create(SamplingOptions options) {
        return options.isGreedy() ? new GreedySampler() : new TopPSampler(options);
    }
}
