package ai.kimitornado.model.graph;

/**
 * How the device picks the next token: greedy (temperature ≤ 0) or temperature + top-p with a seed
 * (the seed can change per {@link DeviceEngine#setSeed}).
 */
public record SamplingSpec(float temperature, float topP, int seed) {
    public static final SamplingSpec GREEDY = new SamplingSpec(0f, 1f, 0);

    public SamplingSpec {
        if (temperature > 0 && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("SamplingSpec: top-p " + topP + " outside (0, 1]");
        }
    }

    public boolean greedy() {
        return temperature <= 0;
    }
}
