package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.config.KimiLinearConfig;
import org.junit.jupiter.api.Test;

/**
 * The memory estimate in the real 48B-A3B shapes at the prefill chunks bench uses (printed: the numbers behind the
 * default chunk), the LM-head buffer only one row deep unless all logits are asked for, and the chunk limit.
 */
class DeviceEngineMemoryTest {
    @Test
    void real48BEstimatePerPrefillChunk() {
        KimiLinearConfig config = KimiLinearConfig.real48B();
        long vocab = config.vocabSize();
        for (int chunk : new int[] {64, 1024}) { // 256: 91.78 GiB, 512: 91.99 GiB (buffers 0.17 / 0.39 GiB) at fb44658
            DeviceEngine.Options options = DeviceEngine.Options.defaults("estimate").withPrefillChunk(chunk);
            DeviceEngine.MemoryEstimate last = DeviceEngine.estimateMemory(config, options);
            System.out.printf("real48B maxContext %d prefillChunk %4d: %s%n", options.maxContext(), chunk, last);
            if (chunk == 64) {
                DeviceEngine.MemoryEstimate all = DeviceEngine.estimateMemory(config, options.withAllLogits(true));
                assertEquals((chunk - 1) * vocab * Float.BYTES, all.bufferBytes() - last.bufferBytes(),
                        "all-position logits add (C-1) rows of [vocab] floats at C=" + chunk);
                assertEquals(last.weightBytes(), all.weightBytes());
                assertEquals(last.stateBytes(), all.stateBytes());
            }
            assertTrue(last.weightBytes() > 90L << 30 && last.weightBytes() < 100L << 30,
                    "real48B bf16 weights are ~92-98 GiB, got " + last.weightBytes());
        }
    }

    @Test
    void prefillChunkLimit() {
        DeviceEngine.Options ok = DeviceEngine.Options.defaults("x").withPrefillChunk(DeviceEngine.Options.MAX_PREFILL_CHUNK);
        assertEquals(DeviceEngine.Options.MAX_PREFILL_CHUNK, ok.prefillChunk());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ok.withPrefillChunk(DeviceEngine.Options.MAX_PREFILL_CHUNK + 1));
        assertTrue(e.getMessage().contains("prefillChunk"), e.getMessage());
    }

    /** Split-K plans for real48B shapes at a 512-token chunk (8 token tiles): few-tile GEMMs split, full ones not. */
    @Test
    void splitKOnlyWhereTheGridIsSmall() {
        assertEquals(25, ForwardGraphBuilder.splitK(2 * 8, 2304), "router 256 rows: 16 tiles");
        assertEquals(36, ForwardGraphBuilder.splitK(1 * 8, 2304), "f_a/g_a 128 rows: 8 tiles, capped at 64-column slices");
        assertEquals(3, ForwardGraphBuilder.splitK(18 * 8, 4096), "o_proj 2304 rows: 144 tiles");
        assertEquals(2, ForwardGraphBuilder.splitK(32 * 8, 2304), "KDA q/k/v 4096 rows: 256 tiles");
        assertEquals(1, ForwardGraphBuilder.splitK(48 * 8, 2304), "MLA q_proj 6144 rows: 384 tiles");
        assertEquals(1, ForwardGraphBuilder.splitK(4, 100), "too few columns to split");
    }
}
