package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MultiHeadLatentAttentionTest {

    private static MultiHeadLatentAttention randomMla(TestData data) {
        int hidden = 48;
        int heads = 3;
        int nope = 16;
        int rope = 8;
        int value = 12;
        int lora = 24;
        float[] norm = new float[lora];
        for (int i = 0; i < lora; i++) {
            norm[i] = (float) data.uniform(0.5, 1.5);
        }
        return new MultiHeadLatentAttention(heads, nope, rope, value, lora, MultiHeadLatentAttention.KV_A_LAYERNORM_EPS,
                data.matrix("q_proj", heads * (nope + rope), hidden),
                data.matrix("kv_a_proj_with_mqa", lora + rope, hidden),
                norm,
                data.matrix("kv_b_proj", heads * (nope + value), lora),
                data.matrix("o_proj", hidden, heads * value));
    }

    @Test
    void absorbedEqualsExpanded() {
        TestData data = TestData.fresh("MLA absorbed vs expanded");
        MultiHeadLatentAttention mla = randomMla(data);
        float[][] x = data.gaussian(37, 48, 2.0); // [T][D]
        float[][] expanded = mla.forward(x, mla.newCache(), MlaForm.EXPANDED);
        float[][] absorbed = mla.forward(x, mla.newCache(), MlaForm.ABSORBED);
        double err = TestData.relativeError(absorbed, expanded);
        System.out.printf("MLA absorbed vs expanded, 37 tokens: rel err %.3e%n", err);
        assertTrue(err <= 1e-5, "relative error " + err);
    }

    @Test
    void cachedDecodeEqualsFullPrefillAndIsCausal() {
        TestData data = TestData.fresh("MLA cached decode vs prefill");
        MultiHeadLatentAttention mla = randomMla(data);
        int steps = 20;
        float[][] x = data.gaussian(steps, 48, 2.0); // [T][D]
        float[][] full = mla.forward(x, mla.newCache(), MlaForm.EXPANDED);
        for (MlaForm decodeForm : MlaForm.values()) {
            MlaLatentCache cache = mla.newCache();
            float[][] stepwise = new float[steps][];
            float[][] head = java.util.Arrays.copyOfRange(x, 0, 11);
            float[][] prefill = mla.forward(head, cache, MlaForm.EXPANDED);
            System.arraycopy(prefill, 0, stepwise, 0, 11);
            for (int t = 11; t < steps; t++) {
                stepwise[t] = mla.forward(new float[][] {x[t]}, cache, decodeForm)[0];
            }
            assertEquals(steps, cache.size());
            double err = TestData.relativeError(stepwise, full);
            System.out.printf("MLA prefill(11) + 9 %s decode steps vs prefill(20): rel err %.3e%n", decodeForm, err);
            assertTrue(err <= 1e-5, decodeForm + " relative error " + err);
        }
    }
}
