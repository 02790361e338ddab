package ai.kimitornado.model.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The MLA attention tiling stays within memory for long contexts and large prefill chunks (real 48B: 32 heads). */
class MlaTilingTest {
    private static final int HEADS = 32;
    private static final int LORA = 512;

    @Test
    void decodeSplitsGrowWithTheContextUpToTheCap() {
        assertEquals(1, MlaTiling.forChunk(1, 16, HEADS).splits());
        assertEquals(128, MlaTiling.forChunk(1, 4096, HEADS).splits());
        assertEquals(130, MlaTiling.forChunk(1, 4160, HEADS).splits()); // one split per 32-position tile
        MlaTiling longest = MlaTiling.forChunk(1, 131072, HEADS);
        assertEquals(256, longest.splits());
        assertEquals(16, longest.headBlock());
        assertEquals(512, longest.groups(HEADS));
        // 256 splits × 32 heads × 514 floats = 16.8 MB, independent of maxContext
        assertEquals(256L * HEADS * (LORA + 2), longest.partialFloats(1, HEADS, LORA));
    }

    @Test
    void prefillPartialsNeverGrowWithTheChunk() {
        for (int c : new int[] {8, 64, 256, 512, 1024}) {
            MlaTiling t = MlaTiling.forChunk(c, 131072, HEADS);
            assertTrue((long) c * t.splits() <= 256 || t.splits() == 1, "chunk " + c + " splits " + t.splits());
            assertTrue(t.partialFloats(c, HEADS, LORA) <= 256L * HEADS * (LORA + 2), "chunk " + c);
        }
        assertEquals(0, MlaTiling.forChunk(1024, 131072, HEADS).partialFloats(1024, HEADS, LORA));
        assertEquals(4, MlaTiling.forChunk(64, 4352, HEADS).splits());
        // a short cache never gets more splits than key tiles
        assertEquals(1, MlaTiling.forChunk(8, 50, HEADS).splits());
    }

    @Test
    void rejectsTilesTheKernelCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> new MlaTiling(17, 32, 1));
        assertThrows(IllegalArgumentException.class, () -> new MlaTiling(16, 65, 1));
        assertThrows(IllegalArgumentException.class, () -> new MlaTiling(16, 31, 1));
        assertThrows(IllegalArgumentException.class, () -> new MlaTiling(16, 32, 0));
        assertThrows(IllegalArgumentException.class, () -> new MlaTiling(16, 32, 257));
    }
}
