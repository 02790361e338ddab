package ai.kimitornado.cli;

import ai.kimitornado.model.graph.ModelDims;
import ai.kimitornado.weights.config.KimiLinearConfig;

/**
 * Bytes one decode step must move, counted from the model dimensions (bf16 weights, fp32 state): the embedding row,
 * every norm, dense and attention weight, the router and the top-k routed plus shared experts of each MoE layer, the
 * LM head; the KDA state and short-conv history (read and written back) and the MLA latent cache up to the context
 * (read, plus the new row written). Divided by the copy bandwidth this is the floor TPOT: no implementation that
 * reads every byte once can be faster.
 *
 * @param weightBytes    weight bytes one token touches
 * @param stateBytes     sequence-state bytes independent of the context (KDA state, conv history; read + write)
 * @param cacheRowBytes  MLA cache bytes per context token over all MLA layers (read)
 * @param allWeightBytes every weight byte of the model (all experts): what the device must hold
 */
record DecodeTraffic(long weightBytes, long stateBytes, long cacheRowBytes, long allWeightBytes) {
    private static final int BF16 = 2;
    private static final int FP32 = 4;

    /** Total bytes of one decode step that attends to {@code context} cached tokens. */
    long bytesPerToken(int context) {
        return weightBytes + stateBytes + cacheRowBytes * (long) context;
    }

    static DecodeTraffic of(KimiLinearConfig config) {
        ModelDims d = ModelDims.of(config);
        long D = d.hidden();
        long touched = D * BF16 + D * BF16 + (long) d.vocab() * D * BF16; // embedding row, final norm, LM head
        long all = (long) d.vocab() * D * BF16 + D * BF16 + (long) d.vocab() * D * BF16;
        long state = 0;
        long cacheRow = 0;
        for (int l = 0; l < d.layers(); l++) {
            long layer = 2 * D * BF16; // input and post-attention norms
            if (config.isKda(l)) {
                long c = d.kdaChannels();
                long dk = d.kdaHeadDim();
                long h = d.kdaHeads();
                long w = d.convWidth();
                layer += (3 * c * D + 3 * c * w + dk * D + c * dk + h * D + dk * D + c * dk + dk + D * c) * BF16
                        + (c + h) * FP32;
                state += 2 * h * dk * dk * FP32 + 2 * 3 * (w - 1) * c * FP32;
            } else {
                long hm = d.mlaHeads();
                long latent = d.latentRow();
                layer += (hm * (d.nope() + d.rope()) * D + latent * D + d.kvLora() + hm * (d.nope() + d.vDim()) * d.kvLora()
                        + D * hm * d.vDim()) * BF16;
                state += latent * FP32; // the new cache row
                cacheRow += latent * FP32;
            }
            long layerAll = layer;
            if (config.isMoe(l)) {
                long expert = 3L * d.moeInter() * D * BF16;
                long router = (long) d.experts() * D * BF16 + (long) d.experts() * FP32;
                layer += router + (long) d.moeSlots() * expert;
                layerAll += router + (long) (d.experts() + d.sharedExperts()) * expert;
            } else {
                long mlp = 3L * d.denseInter() * D * BF16;
                layer += mlp;
                layerAll += mlp;
            }
            touched += layer;
            all += layerAll;
        }
        return new DecodeTraffic(touched, state, cacheRow, all);
    }
}
