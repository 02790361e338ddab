package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.KernelLimits;
import ai.kimitornado.weights.config.KimiLinearConfig;

/**
 * The shapes the device forward pass needs, taken from a validated {@link KimiLinearConfig}; the constructor
 * rejects, with the reason, configurations the kernels do not implement.
 */
public record ModelDims(int hidden, int vocab, int layers, float rmsEps,
                        int kdaHeads, int kdaHeadDim, int convWidth,
                        int mlaHeads, int nope, int rope, int vDim, int kvLora,
                        int denseInter, int experts, int topK, int moeInter, int sharedExperts,
                        int groups, int topkGroups, boolean renormalize, float routedScaling) {

    public static ModelDims of(KimiLinearConfig c) {
        if (c.qLoraRank() != null) {
            throw unsupported("q_lora_rank " + c.qLoraRank() + " (Kimi Linear uses a plain q_proj)");
        }
        if (!c.mlaUseNope()) {
            throw unsupported("mla_use_nope false (RoPE MLA)");
        }
        if (!"sigmoid".equals(c.moeRouterActivationFunc())) {
            throw unsupported("moe_router_activation_func '" + c.moeRouterActivationFunc() + "' (the device router is sigmoid)");
        }
        if (c.numSharedExperts() > 1) {
            throw unsupported("num_shared_experts " + c.numSharedExperts()
                    + " (the shared expert is packed as one extra expert of width moe_intermediate_size)");
        }
        int groups = c.useGroupedTopk() ? c.numExpertGroup() : 1;
        int topkGroups = c.useGroupedTopk() ? c.topkGroup() : 1;
        ModelDims d = new ModelDims(c.hiddenSize(), c.vocabSize(), c.numHiddenLayers(), (float) c.rmsNormEps(),
                c.kdaNumHeads(), c.kdaHeadDim(), c.shortConvKernelSize(),
                c.numAttentionHeads(), c.qkNopeHeadDim(), c.qkRopeHeadDim(), c.vHeadDim(), c.kvLoraRank(),
                c.intermediateSize(), c.numExperts(), c.numExpertsPerToken(), c.moeIntermediateSize(),
                c.numSharedExperts(), groups, topkGroups, c.moeRenormalize(), (float) c.routedScalingFactor());
        limit("kda head_dim", d.kdaHeadDim, KernelLimits.MAX_HEAD_DIM);
        limit("num_experts", d.experts, KernelLimits.MAX_EXPERTS);
        limit("num_experts_per_token + shared", d.topK + d.sharedExperts, KernelLimits.MAX_LOCAL);
        limit("kv_lora_rank + qk_rope_head_dim", d.kvLora + d.rope, KernelLimits.MAX_LATENT);
        return d;
    }

    /** KDA projection width H·dk (= H·dv). */
    public int kdaChannels() {
        return kdaHeads * kdaHeadDim;
    }

    /** MLA query width per token H·(nope + rope). */
    public int mlaQueryWidth() {
        return mlaHeads * (nope + rope);
    }

    /** MLA cache row: latent + shared rope key. */
    public int latentRow() {
        return kvLora + rope;
    }

    /** Expert slots per token in the packed MoE launches: routed top-k plus the shared expert. */
    public int moeSlots() {
        return topK + sharedExperts;
    }

    private static void limit(String what, int value, int max) {
        if (value > max) {
            throw unsupported(what + " = " + value + " exceeds the kernels' local-memory limit " + max
                    + " (KernelLimits)");
        }
    }

    private static IllegalArgumentException unsupported(String what) {
        return new IllegalArgumentException("DeviceEngine: unsupported configuration: " + what);
    }
}
