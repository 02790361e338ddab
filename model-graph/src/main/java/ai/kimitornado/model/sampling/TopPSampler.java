package ai.kimitornado.model.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Temperature + nucleus (top-p) sampling:
 * <pre>
 *   p_i = softmax(logits / temperature)_i                         (max subtracted, double)
 *   sort ids by p descending (ties → lower id); keep the shortest prefix whose mass ≥ topP
 *   draw u ~ U[0, mass of the prefix) and return the id where the running sum first exceeds u
 * </pre>
 * Deterministic for a given seed and sequence of logits.
 */
public final class TopPSampler implements Sampler {
    private final SamplingOptions options;
    private final SplittableRandom random;

    public TopPSampler(SamplingOptions options) {
        if (options.isGreedy()) {
            throw new IllegalArgumentException("TopPSampler: temperature 0 is greedy; use GreedySampler");
        }
        this.options = options;
        this.random = new SplittableRandom(options.seed());
    }

    @Override
    public int sample(float[] logits) {
        return sample(logits, random.nextDouble());
    }

    /** The same rule with an explicit uniform draw {@code u01} in [0, 1). */
    public int sample(float[] logits, double u01) {
        int vocab = logits.length;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < vocab; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("TopPSampler.sample: logit " + i + " is NaN");
            }
            max = Math.max(max, logits[i]);
        }
        double[] prob = new double[vocab]; // [V]
        double sum = 0;
        for (int i = 0; i < vocab; i++) {
            prob[i] = Math.exp((logits[i] - max) / options.temperature());
            sum += prob[i];
        }
        Integer[] order = new Integer[vocab];
        for (int i = 0; i < vocab; i++) {
            prob[i] /= sum;
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> prob[a] != prob[b] ? Double.compare(prob[b], prob[a]) : Integer.compare(a, b));
        int kept = 0;
        double mass = 0;
        while (kept < vocab && (kept == 0 || mass < options.topP())) {
            mass += prob[order[kept]];
            kept++;
        }
        double target = u01 * mass;
        double running = 0;
        for (int r = 0; r < kept; r++) {
            running += prob[order[r]];
            if (running > target) {
                return order[r];
            }
        }
        return order[kept - 1]; // rounding at the very end of the nucleus
    }
}
