package ai.kimitornado.model.kernels;

import ai.kimitornado.tasks.api.KernelContext;
import ai.kimitornado.tasks.types.arrays.FloatArray;
import ai.kimitornado.tasks.types.arrays.IntArray;

/**
 * The input of the MLA cache expansion as a plain GEMM ({@link GemmBf16Mma} / {@link GemmBf16Tiled}, whose X rows are
 * dense): the latent part of every position the chunk sees, and a meta record whose count is that many positions.
 * <pre>  latents[s][l] = cache[s·latentRow + l]   for s < position + count, l < kvLora
 *   expandMeta = {position 0, count position + count}</pre>
 * Shapes: cache [S * latentRow], latents [S * kvLora], meta / expandMeta [META_SIZE]. Grid 1D: at least
 * S·kvLora work-items, any group size; items past the visible rows do nothing. (The expansion GEMM then writes
 * kv[s][r] for r < H·(nope+v): the contract of {@link MlaHeadGemm#expandCache}, which stays as its reference.)
 */
public final class MlaLatentGather {
    private MlaLatentGather() {
    }

    public static void apply(KernelContext ctx, FloatArray cache, FloatArray latents, IntArray meta, IntArray expandMeta,
                             int kvLora, int latentRow) {
        int i = ctx.globalIdx;
        int visible = meta.get(KernelLimits.META_POSITION) + meta.get(KernelLimits.META_COUNT);
        if (i == 0) {
            expandMeta.set(KernelLimits.META_POSITION, 0);
            expandMeta.set(KernelLimits.META_COUNT, visible);
        }
        if (i < visible * kvLora) {
            int s = i / kvLora;
            latents.set(i, cache.get(s * latentRow + (i - s * kvLora)));
        }
    }
}
