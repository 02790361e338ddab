package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * Prefill MoE, step 1: groups the chunk's (token, slot) pairs by expert on the device, so that
 * {@link MoeGroupedGateUp} / {@link MoeGroupedDown} read each expert's weights once per tile of its tokens instead of
 * once per token. The shared expert (packed as expert {@code experts - 1}, every token's last slot) is just another
 * expert. Deterministic: no atomics; pairs of one expert keep ascending pair order.
 * <pre>
 *   pair p = t·slots + slot  (t &lt; count)       e = ids[p]
 *   offsets[e] = Σ_{e' &lt; e} |pairs of e'|       offsets[experts] = count·slots
 *   pairs[offsets[e] .. offsets[e+1])           = the pairs routed to e, ascending
 *   tiles[0] = number of work tiles;  tile k = (tiles[1+3k], tiles[2+3k], tiles[3+3k]) = (expert, first, n):
 *       pairs[first .. first+n) of that expert, n ≤ tileTokens (an expert with 0 tokens has no tile)
 * </pre>
 * Shapes: ids [C*slots]; offsets [experts+1]; pairs [C*slots]; tiles [1 + 3*{@link #maxTiles}].
 * Grid: ONE work-group (any power-of-two size ≤ 256; ids are staged through local memory in blocks), experts ≤
 * {@link KernelLimits#MAX_EXPERTS} + 1. Work-item i owns experts i, i+nt, ...: it alone counts and writes them.
 */
public final class MoeExpertGroups {
    private MoeExpertGroups() {
    }

    /** Tokens per work tile of the grouped GEMMs (the x extent of a tile). */
    public static final int TILE_TOKENS = 32;
    /** Reduction depth staged per step of the grouped GEMMs (their staging loops index it with {@code & 31}). */
    public static final int TILE_DEPTH = 32;
    /** Work-group size the grouped GEMMs are written for: 32 row lanes × 8 token lanes, 4 tokens each. */
    public static final int GEMM_THREADS = 256;
    /** ids staged per block. */
    static final int BLOCK = 1024;

    /**
     * Upper bound of the work tiles for {@code pairs} pairs over {@code experts} experts: each expert wastes at
     * most one partial tile, and no tile is empty. The grouped GEMMs launch this many tiles; extra ones exit.
     */
    public static int maxTiles(int pairs, int experts, int tileTokens) {
        return Math.max(1, Math.min(pairs, (pairs + tileTokens - 1) / tileTokens + experts));
    }

    public static void apply(KernelContext ctx, IntArray ids, IntArray offsets, IntArray pairs, IntArray tiles,
                             IntArray meta, int slots, int experts, int tileTokens) {
        int[] cursor = ctx.allocateIntLocalArray(KernelLimits.MAX_EXPERTS + 1); // count, then the write position
        int[] block = ctx.allocateIntLocalArray(BLOCK);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int total = meta.get(KernelLimits.META_COUNT) * slots;
        for (int e = lid; e < experts; e += nt) {
            cursor[e] = 0;
        }
        ctx.localBarrier(); // thread 0 reads every count below even when the chunk has no pair
        for (int base = 0; base < total; base += BLOCK) {
            int valid = total - base < BLOCK ? total - base : BLOCK;
            for (int j = lid; j < BLOCK; j += nt) {
                block[j] = j < valid ? ids.get(base + j) : -1;
            }
            ctx.localBarrier();
            for (int e = lid; e < experts; e += nt) {
                int c = cursor[e];
                for (int j = 0; j < valid; j++) {
                    if (block[j] == e) {
                        c++;
                    }
                }
                cursor[e] = c;
            }
            ctx.localBarrier(); // the block is overwritten next round
        }
        if (lid == 0) {
            // serial prefix sum and tile list: experts + tiles steps, tiny next to the GEMMs
            int offset = 0;
            int tileCount = 0;
            for (int e = 0; e < experts; e++) {
                int c = cursor[e];
                offsets.set(e, offset);
                for (int s = 0; s < c; s += tileTokens) {
                    tiles.set(1 + 3 * tileCount, e);
                    tiles.set(2 + 3 * tileCount, offset + s);
                    tiles.set(3 + 3 * tileCount, c - s < tileTokens ? c - s : tileTokens);
                    tileCount++;
                }
                cursor[e] = offset;
                offset += c;
            }
            offsets.set(experts, offset);
            tiles.set(0, tileCount);
        }
        ctx.localBarrier();
        for (int base = 0; base < total; base += BLOCK) {
            int valid = total - base < BLOCK ? total - base : BLOCK;
            for (int j = lid; j < BLOCK; j += nt) {
                block[j] = j < valid ? ids.get(base + j) : -1;
            }
            ctx.localBarrier();
            for (int e = lid; e < experts; e += nt) {
                int at = cursor[e];
                for (int j = 0; j < valid; j++) {
                    if (block[j] == e) {
                        pairs.set(at, base + j);
                        at++;
                    }
                }
                cursor[e] = at;
            }
            ctx.localBarrier();
        }
    }
}
