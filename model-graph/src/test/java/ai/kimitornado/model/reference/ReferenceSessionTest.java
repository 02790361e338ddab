package ai.kimitornado.model.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.checkpoint.CheckpointWriter;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cache consistency on a random tiny checkpoint (written by CheckpointWriter with a fresh seed, sharded):
 * layers KDA, MLA, KDA, KDA, MLA; layer 0 dense; MoE with 4 expert groups keeping 2 (grouped top-k active).
 */
class ReferenceSessionTest {
    private static final double BOUND = 1e-5;
    private static final String CONFIG = """
            {
              "model_type": "kimi_linear", "vocab_size": 96, "hidden_size": 48, "intermediate_size": 80,
              "moe_intermediate_size": 24, "num_hidden_layers": 5, "num_attention_heads": 3, "num_key_value_heads": 3,
              "kv_lora_rank": 20, "q_lora_rank": null, "qk_nope_head_dim": 16, "qk_rope_head_dim": 8,
              "v_head_dim": 12, "mla_use_nope": true, "num_experts": 8, "num_experts_per_token": 3,
              "num_shared_experts": 1, "first_k_dense_replace": 1, "moe_layer_freq": 1, "moe_renormalize": true,
              "moe_router_activation_func": "sigmoid", "routed_scaling_factor": 2.446, "use_grouped_topk": true,
              "num_expert_group": 4, "topk_group": 2,
              "linear_attn_config": {"kda_layers": [1, 3, 4], "full_attn_layers": [2, 5], "num_heads": 2,
                                     "head_dim": 16, "short_conv_kernel_size": 4},
              "hidden_act": "silu", "rms_norm_eps": 1e-05, "tie_word_embeddings": false,
              "model_max_length": 4096, "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0
            }
            """;

    @TempDir
    static Path checkpoint;
    static ReferenceModel model;
    static TestData data;

    @BeforeAll
    static void writeRandomCheckpoint() {
        data = TestData.fresh("ReferenceSessionTest checkpoint");
        KimiLinearConfig config = KimiLinearConfig.parse(CONFIG, "ReferenceSessionTest.CONFIG");
        CheckpointWriter.writeRandom(config, checkpoint, data.seed, 64 * 1024);
        model = ReferenceModel.load(checkpoint);
    }

    private static int[] randomIds(int n) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = data.random.nextInt(model.config().vocabSize());
        }
        return ids;
    }

    /** prefill(n) + decode(1) == last row of prefill(n+1); n + 1 crosses and lands on chunk boundaries. */
    @ParameterizedTest
    @ValueSource(ints = {1, 5, 63, 64, 65, 130})
    void prefillThenDecodeEqualsLongerPrefill(int n) {
        int[] ids = randomIds(n + 1);
        for (KdaPrefillMode mode : KdaPrefillMode.values()) {
            ReferenceSession split = model.newSession(ReferenceOptions.defaults().withKdaPrefill(mode));
            split.prefill(Arrays.copyOf(ids, n));
            float[] decoded = split.decode(ids[n]);
            float[] full = model.newSession(ReferenceOptions.defaults().withKdaPrefill(mode)).prefill(ids);
            double err = TinyAFixtureTest.rowError(decoded, full);
            System.out.printf("random tiny: prefill(%d)+decode(1) vs prefill(%d), KDA %s: rel err %.3e%n",
                    n, n + 1, mode, err);
            assertTrue(err <= BOUND, "error " + err);
            assertEquals(n + 1, split.position());
        }
    }

    /** Recurrence vs chunkwise prefill of the whole model, split prefill calls, and many decode steps. */
    @Test
    void everyScheduleComputesTheSameLogits() {
        int steps = 150;
        int[] ids = randomIds(steps);
        float[][] recurrent = model.newSession(ReferenceOptions.defaults().withKdaPrefill(KdaPrefillMode.TOKEN_RECURRENCE)
                .withMlaForms(MlaForm.ABSORBED, MlaForm.ABSORBED)).prefillAll(ids);
        float[][] chunked = model.forward(ids);
        double chunkErr = TestData.relativeError(chunked, recurrent);

        ReferenceSession pieces = model.newSession();
        float[][] split = new float[steps][];
        int pos = 0;
        for (int len : new int[] {70, 1, 33, 40}) {
            float[][] part = pieces.prefillAll(Arrays.copyOfRange(ids, pos, pos + len));
            System.arraycopy(part, 0, split, pos, len);
            pos += len;
        }
        for (; pos < steps; pos++) {
            split[pos] = pieces.decode(ids[pos]);
        }
        double splitErr = TestData.relativeError(split, recurrent);
        System.out.printf("random tiny, 150 tokens: chunkwise+expanded vs recurrence+absorbed rel err %.3e; "
                + "prefill 70+1+33+40 then 6 decodes rel err %.3e%n", chunkErr, splitErr);
        assertTrue(chunkErr <= BOUND, "chunkwise error " + chunkErr);
        assertTrue(splitErr <= BOUND, "split error " + splitErr);
    }

    @Test
    void resetStartsAFreshSequence() {
        int[] first = randomIds(20);
        int[] second = randomIds(9);
        ReferenceSession session = model.newSession();
        session.prefill(first);
        session.decode(3);
        session.reset();
        assertEquals(0, session.position());
        float[] afterReset = session.prefill(second);
        float[] fresh = model.newSession().prefill(second);
        assertEquals(0.0, TinyAFixtureTest.rowError(afterReset, fresh), "reset leaves no trace of the old sequence");
    }

    @Test
    void rejectsIdsOutsideTheVocabulary() {
        ReferenceSession session = model.newSession();
        assertThrows(IllegalArgumentException.class, () -> session.prefill(new int[] {1, model.config().vocabSize()}));
        assertThrows(IllegalArgumentException.class, () -> session.decode(-1));
        assertThrows(IllegalArgumentException.class, () -> session.prefill(new int[0]));
    }
}
