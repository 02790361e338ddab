package ai.kimitornado.cli;

import ai.kimitornado.model.sampling.SamplingOptions;

/**
 * @param sampling      how the next token is picked (greedy at temperature 0)
 * @param maxContext    tokens a device engine's caches hold
 * @param captureHidden keep per-layer hidden states (verify --layers)
 * @param allLogits     logits of every prompt position ({@link Engine#forwardAll}: forward, verify); without it a
 *                      device engine's prefill runs the LM head on the last position only
 * @param prefillChunk  tokens per prefill execution of a device engine (0: the engine's default)
 */
record EngineOptions(SamplingOptions sampling, int maxContext, boolean captureHidden, boolean allLogits, int prefillChunk) {
    EngineOptions(SamplingOptions sampling, int maxContext, boolean captureHidden) {
        this(sampling, maxContext, captureHidden, false, 0);
    }

    static EngineOptions greedy() {
        return new EngineOptions(SamplingOptions.greedy(), 4096, false);
    }

    EngineOptions withMaxContext(int tokens) {
        return new EngineOptions(sampling, tokens, captureHidden, allLogits, prefillChunk);
    }

    EngineOptions withCaptureHidden(boolean capture) {
        return new EngineOptions(sampling, maxContext, capture, allLogits, prefillChunk);
    }

    EngineOptions withAllLogits(boolean all) {
        return new EngineOptions(sampling, maxContext, captureHidden, all, prefillChunk);
    }

    EngineOptions withPrefillChunk(int tokens) {
        return new EngineOptions(sampling, maxContext, captureHidden, allLogits, tokens);
    }
}
