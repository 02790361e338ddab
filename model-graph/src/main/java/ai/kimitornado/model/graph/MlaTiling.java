package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.MlaFlashAttention;
import ai.kimitornado.model.kernels.MlaFlashCombine;
import ai.kimitornado.model.kernels.MlaFlashPrefill;

/**
 * How {@link MlaFlashAttention} cuts the work of one graph: heads per work-group, cache positions per key tile, and
 * the number of context ranges (splits) merged afterwards by the combine kernel.
 * <ul>
 *   <li>decode (1 token): 32-position tiles and up to 256 splits, so a 4k context fills ~258 work-groups
 *       (2 head blocks × 129 one-tile ranges) while the partials stay small (256 × H × (kvLora+2) floats = 16.8 MB;
 *       empty ranges write only their max and sum);</li>
 *   <li>prefill (C tokens): 64-position tiles; splits only while C is small (C·splits ≤ 256), so the partial
 *       buffer never grows with C: at C ≥ 256 one split, and the kernel writes the context directly.</li>
 * </ul>
 */
record MlaTiling(int headBlock, int keyTile, int splits) {
    /** Decode runs {@link MlaFlashAttention} (key tiles ≤ its MAX_KEY_TILE), prefill {@link MlaFlashPrefill}. */
    static final int DECODE_KEY_TILE = MlaFlashAttention.MAX_KEY_TILE;
    static final int PREFILL_KEY_TILE = MlaFlashPrefill.MAX_KEY_TILE;
    static final int MAX_DECODE_SPLITS = 256;
    static final int PREFILL_ROWS_WITH_SPLITS = 256;

    MlaTiling {
        if (headBlock < 1 || headBlock > MlaFlashAttention.MAX_HEAD_BLOCK || keyTile < 2 || keyTile % 2 != 0
                || keyTile > MlaFlashPrefill.MAX_KEY_TILE || splits < 1 || splits > MlaFlashCombine.MAX_SPLITS) {
            throw new IllegalArgumentException("MlaTiling: head block " + headBlock + " (1.."
                    + MlaFlashAttention.MAX_HEAD_BLOCK + "), key tile " + keyTile + " (even, 2.."
                    + MlaFlashPrefill.MAX_KEY_TILE + "), splits " + splits + " (1.." + MlaFlashCombine.MAX_SPLITS + ")");
        }
    }

    /** The tiling of a graph over chunks of {@code capacity} tokens (1 = decode). */
    static MlaTiling forChunk(int capacity, int maxContext, int heads) {
        int headBlock = Math.min(MlaFlashAttention.MAX_HEAD_BLOCK, heads);
        if (capacity == 1) {
            int tiles = (maxContext + DECODE_KEY_TILE - 1) / DECODE_KEY_TILE;
            return new MlaTiling(headBlock, DECODE_KEY_TILE, Math.max(1, Math.min(MAX_DECODE_SPLITS, tiles)));
        }
        int tiles = (maxContext + PREFILL_KEY_TILE - 1) / PREFILL_KEY_TILE;
        int splits = Math.max(1, Math.min(tiles, PREFILL_ROWS_WITH_SPLITS / capacity));
        return new MlaTiling(headBlock, PREFILL_KEY_TILE, splits);
    }

    /** Work-groups in x: head blocks × splits. */
    long groups(int heads) {
        return (long) ((heads + headBlock - 1) / headBlock) * splits;
    }

    /** Floats of the partial buffer for {@code capacity} tokens (0 with one split: no partials). */
    long partialFloats(int capacity, int heads, int kvLora) {
        return splits == 1 ? 0 : (long) capacity * heads * splits * (kvLora + 2);
    }
}
