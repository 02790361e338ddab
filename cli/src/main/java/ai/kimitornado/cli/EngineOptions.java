package ai.kimitornado.cli;

import ai.kimitornado.model.sampling.SamplingOptions;

/**
 * @param sampling      how the next token is picked (greedy at temperature 0)
 * @param maxContext    tokens a device engine's caches hold
 * @param captureHidden keep per-layer hidden states (verify --layers)
 */
record EngineOptions(SamplingOptions sampling, int maxContext, boolean captureHidden) {
    static EngineOptions greedy() {
        return new EngineOptions(SamplingOptions.greedy(), 4096, false);
    }

    EngineOptions withMaxContext(int tokens) {
        return new EngineOptions(sampling, tokens, captureHidden);
    }

    EngineOptions withCaptureHidden(boolean capture) {
        return new EngineOptions(sampling, maxContext, capture);
    }
}
