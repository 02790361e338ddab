package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShortConvolutionTest {

    @Test
    void matchesDefinitionAndCarriesHistoryAcrossCalls() {
        TestData data = TestData.fresh("ShortConvolution");
        int channels = 10;
        int kernel = 4;
        int steps = 13;
        float[][] raw = data.gaussian(steps, channels, 1.0); // [T][C]
        float[] taps = data.gaussian(channels * kernel, 0.7); // [C*W]

        float[][] whole = ShortConvolution.apply(raw, taps, kernel, new float[kernel - 1][channels]);
        for (int t = 0; t < steps; t++) {
            for (int c = 0; c < channels; c++) {
                double acc = 0;
                for (int j = 0; j < kernel; j++) {
                    int s = t - (kernel - 1) + j;
                    acc += s >= 0 ? (double) taps[c * kernel + j] * raw[s][c] : 0.0; // zero left padding
                }
                assertEquals(acc / (1 + Math.exp(-acc)), whole[t][c], 1e-6, "t=" + t + " c=" + c);
            }
        }

        // split into calls of 1, 2, 1, 5, 4 tokens, carrying the history
        float[][] history = new float[kernel - 1][channels];
        float[][] split = new float[steps][];
        int t = 0;
        for (int len : new int[] {1, 2, 1, 5, 4}) {
            float[][] part = ShortConvolution.apply(java.util.Arrays.copyOfRange(raw, t, t + len), taps, kernel, history);
            System.arraycopy(part, 0, split, t, len);
            t += len;
        }
        double err = TestData.relativeError(split, whole);
        System.out.printf("ShortConvolution split calls vs one call: rel err %.3e%n", err);
        assertTrue(err == 0.0, "split calls differ: " + err);
    }
}
