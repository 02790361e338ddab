package ai.kimitornado.model.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static float[] randomLogits(SplittableRandom random, int n) {
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) (random.nextDouble() * 8 - 4);
        }
        return logits;
    }

    private static long seed(String name) {
        long seed = System.nanoTime();
        System.out.println(name + ": seed " + seed);
        return seed;
    }

    @Test
    void greedyIsArgmax() {
        SplittableRandom random = new SplittableRandom(seed("greedy"));
        Sampler sampler = Sampler.create(SamplingOptions.greedy());
        for (int trial = 0; trial < 100; trial++) {
            float[] logits = randomLogits(random, 50);
            int expected = 0;
            for (int i = 1; i < logits.length; i++) {
                if (logits[i] > logits[expected]) {
                    expected = i;
                }
            }
            assertEquals(expected, sampler.sample(logits));
        }
        assertThrows(IllegalArgumentException.class, () -> sampler.sample(new float[] {1f, Float.NaN}));
    }

    @Test
    void sameSeedSameTokensAndTinyTopPIsGreedy() {
        long seed = seed("top-p determinism");
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = new float[30][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = randomLogits(random, 40);
        }
        Sampler a = Sampler.create(new SamplingOptions(0.8, 0.9, seed));
        Sampler b = Sampler.create(new SamplingOptions(0.8, 0.9, seed));
        Sampler tiny = Sampler.create(new SamplingOptions(1.3, 1e-9, seed));
        for (float[] row : rows) {
            assertEquals(a.sample(row), b.sample(row));
            assertEquals(GreedySampler.argmax(row), tiny.sample(row));
        }
    }

    @Test
    void frequenciesFollowTheTruncatedSoftmax() {
        long seed = seed("top-p distribution");
        float[] logits = {2.0f, 1.5f, 1.0f, 0.0f, -1.0f, -3.0f};
        double temperature = 0.7;
        double topP = 0.8;
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        // logits are already sorted descending: nucleus = shortest prefix with mass ≥ topP
        double mass = 0;
        int kept = 0;
        while (mass < topP) {
            mass += p[kept] / sum;
            kept++;
        }
        TopPSampler sampler = new TopPSampler(new SamplingOptions(temperature, topP, seed));
        int draws = 40_000;
        int[] counts = new int[logits.length];
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits)]++;
        }
        for (int i = 0; i < logits.length; i++) {
            double expected = i < kept ? p[i] / sum / mass : 0.0;
            double observed = (double) counts[i] / draws;
            System.out.printf("token %d: expected %.4f observed %.4f%n", i, expected, observed);
            assertTrue(Math.abs(observed - expected) < 0.015, "token " + i);
        }
    }
}
