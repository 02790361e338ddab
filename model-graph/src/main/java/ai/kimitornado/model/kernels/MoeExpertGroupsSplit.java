package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * The grouping of {@link MoeExpertGroups} (its single-work-group reference variant) spread over a work-group per
 * expert, in three launches with identical outputs (offsets, pairs, tiles; deterministic, no atomics):
 * <ol>
 *   <li>{@link #count}: group e counts the pairs routed to e (coalesced strided reads, tree sum) → counts[e];</li>
 *   <li>{@link #layout}: one group: prefix sum → offsets, and the tile list (serial over experts, from local memory);</li>
 *   <li>{@link #scatter}: group e: work-item i takes a contiguous range of pairs, an exclusive scan of the
 *       work-items' match counts gives its first position, so pairs of e land in ascending order.</li>
 * </ol>
 * Why: the reference variant's work-item walks every pair for each expert it owns (C·slots local reads per expert,
 * twice), ~0.5 ms per chunk-layer at C = 1024; here each group reads C·slots ids once per launch in parallel.
 * Shapes: ids [C*slots]; counts [experts]; offsets [experts+1]; pairs [C*slots]; tiles [1 + 3*maxTiles].
 * Grids: count and scatter (experts·nt) with local nt (a power of two ≤ 256); layout (nt) with local nt.
 */
public final class MoeExpertGroupsSplit {
    private MoeExpertGroupsSplit() {
    }

    public static void count(KernelContext ctx, IntArray ids, IntArray counts, IntArray meta, int slots, int experts) {
        int[] partial = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int e = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int total = meta.get(KernelLimits.META_COUNT) * slots;
        int c = 0;
        for (int p = lid; p < total; p += nt) {
            if (ids.get(p) == e) {
                c++;
            }
        }
        partial[lid] = c;
        ctx.localBarrier();
        for (int stride = nt >> 1; stride > 0; stride >>= 1) {
            if (lid < stride) {
                partial[lid] += partial[lid + stride];
            }
            ctx.localBarrier();
        }
        if (lid == 0 && e < experts) {
            counts.set(e, partial[0]);
        }
    }

    public static void layout(KernelContext ctx, IntArray counts, IntArray offsets, IntArray tiles, int experts,
                              int tileTokens) {
        int[] local = ctx.allocateIntLocalArray(KernelLimits.MAX_EXPERTS + 1);
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        for (int e = lid; e < experts; e += nt) {
            local[e] = counts.get(e); // parallel loads; the serial pass below reads local memory only
        }
        ctx.localBarrier();
        if (lid == 0) {
            int offset = 0;
            int tileCount = 0;
            for (int e = 0; e < experts; e++) {
                int c = local[e];
                offsets.set(e, offset);
                for (int s = 0; s < c; s += tileTokens) {
                    tiles.set(1 + 3 * tileCount, e);
                    tiles.set(2 + 3 * tileCount, offset + s);
                    tiles.set(3 + 3 * tileCount, c - s < tileTokens ? c - s : tileTokens);
                    tileCount++;
                }
                offset += c;
            }
            offsets.set(experts, offset);
            tiles.set(0, tileCount);
        }
    }

    public static void scatter(KernelContext ctx, IntArray ids, IntArray offsets, IntArray pairs, IntArray meta,
                               int slots, int experts) {
        int[] scan = ctx.allocateIntLocalArray(KernelLimits.MAX_LOCAL);
        int e = ctx.groupIdx;
        int lid = ctx.localIdx;
        int nt = ctx.localGroupSizeX;
        int total = meta.get(KernelLimits.META_COUNT) * slots;
        int per = (total + nt - 1) / nt;
        int lo = lid * per < total ? lid * per : total;
        int hi = lo + per < total ? lo + per : total;
        int c = 0;
        for (int p = lo; p < hi; p++) {
            if (ids.get(p) == e) {
                c++;
            }
        }
        scan[lid] = c;
        ctx.localBarrier();
        for (int off = 1; off < nt; off <<= 1) { // inclusive Hillis–Steele scan of the match counts
            int v = lid >= off ? scan[lid - off] : 0;
            ctx.localBarrier();
            scan[lid] += v;
            ctx.localBarrier();
        }
        if (e < experts) {
            int at = offsets.get(e) + scan[lid] - c;
            for (int p = lo; p < hi; p++) {
                if (ids.get(p) == e) {
                    pairs.set(at, p);
                    at++;
                }
            }
        }
    }
}
