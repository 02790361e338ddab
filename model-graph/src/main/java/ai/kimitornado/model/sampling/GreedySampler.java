package ai.kimitornado.model.sampling;

/** argmax over the logits; ties → the lowest id. NaN logits are an error. */
public final class GreedySampler implements Sampler {

    @Override
    public int sample(float[] logits) {
        return argmax(logits);
    }

    public static int argmax(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("GreedySampler.argmax: empty logits");
        }
        int best = 0;
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new IllegalArgumentException("GreedySampler.argmax: logit " + i + " is NaN");
            }
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
