package ai.kimitornado.model.reference;

import java.util.List;

/**
 * One sequence through a {@link ReferenceModel} with its caches: per KDA layer the conv history and the
 * recurrent state, per MLA layer the latent cache. {@code prefill} may be called several times (the prompt
 * split into pieces); {@code decode} appends one token. Not thread-safe.
 */
public final class ReferenceSession {
    private final ReferenceModel model;
    private final ReferenceOptions options;
    private final KdaState[] kdaStates;        // [layers], null for MLA layers
    private final MlaLatentCache[] mlaCaches;  // [layers], null for KDA layers
    private int position;
    private float[][][] lastHidden;            // [layers+1][T][D] of the latest call when capturing

    ReferenceSession(ReferenceModel model, ReferenceOptions options) {
        this.model = model;
        this.options = options;
        List<DecoderLayer> layers = model.layers();
        kdaStates = new KdaState[layers.size()];
        mlaCaches = new MlaLatentCache[layers.size()];
        for (DecoderLayer layer : layers) {
            if (layer.kda() != null) {
                kdaStates[layer.index()] = layer.kda().newState();
            } else {
                mlaCaches[layer.index()] = layer.mla().newCache();
            }
        }
    }

    public ReferenceOptions options() {
        return options;
    }

    /** Number of tokens consumed so far. */
    public int position() {
        return position;
    }

    /** Runs the prompt (or the next piece of it); returns the logits of its last token, [V]. */
    public float[] prefill(int[] ids) {
        float[][] logits = run(ids, false, options.kdaPrefill(), options.mlaPrefill());
        return logits[0];
    }

    /** Runs the prompt (or the next piece of it); returns the logits of every one of its tokens, [T][V]. */
    public float[][] prefillAll(int[] ids) {
        return run(ids, true, options.kdaPrefill(), options.mlaPrefill());
    }

    /** Appends one token; returns its logits, [V]. */
    public float[] decode(int id) {
        return run(new int[] {id}, false, KdaPrefillMode.TOKEN_RECURRENCE, options.mlaDecode())[0];
    }

    /** Forgets the sequence: zero conv histories and KDA states, empty MLA caches. */
    public void reset() {
        for (KdaState state : kdaStates) {
            if (state != null) {
                state.reset();
            }
        }
        for (MlaLatentCache cache : mlaCaches) {
            if (cache != null) {
                cache.reset();
            }
        }
        position = 0;
        lastHidden = null;
    }

    /**
     * Hidden states of the latest prefill/decode call, [layers+1][T][D]: row 0 is the embedding, row L+1 the
     * residual stream after layer L (before the final norm). Needs {@code captureHiddenStates}.
     */
    public float[][][] lastHiddenStates() {
        if (!options.captureHiddenStates()) {
            throw new IllegalStateException("ReferenceSession.lastHiddenStates: session was created without "
                    + "ReferenceOptions.captureHiddenStates");
        }
        if (lastHidden == null) {
            throw new IllegalStateException("ReferenceSession.lastHiddenStates: no prefill/decode call yet");
        }
        return lastHidden;
    }

    /** KDA state of one layer (for hand-off checks against device kernels). */
    public KdaState kdaState(int layer) {
        if (kdaStates[layer] == null) {
            throw new IllegalArgumentException("ReferenceSession.kdaState: layer " + layer + " is not a KDA layer");
        }
        return kdaStates[layer];
    }

    /** MLA latent cache of one layer. */
    public MlaLatentCache mlaCache(int layer) {
        if (mlaCaches[layer] == null) {
            throw new IllegalArgumentException("ReferenceSession.mlaCache: layer " + layer + " is not an MLA layer");
        }
        return mlaCaches[layer];
    }

    /** ids [T] → logits [T][V] when allLogits, else [1][V] for the last token. */
    private float[][] run(int[] ids, boolean allLogits, KdaPrefillMode kdaMode, MlaForm mlaForm) {
        if (ids.length == 0) {
            throw new IllegalArgumentException("ReferenceSession: empty token list");
        }
        int steps = ids.length;
        float[][] h = new float[steps][]; // [T][D]
        for (int t = 0; t < steps; t++) {
            h[t] = model.embed(ids[t]);
        }
        List<DecoderLayer> layers = model.layers();
        float[][][] hidden = options.captureHiddenStates() ? new float[layers.size() + 1][][] : null;
        if (hidden != null) {
            hidden[0] = copy(h);
        }
        for (DecoderLayer layer : layers) {
            layer.forward(h, kdaStates[layer.index()], mlaCaches[layer.index()], kdaMode, mlaForm);
            if (hidden != null) {
                hidden[layer.index() + 1] = copy(h);
            }
        }
        position += steps;
        lastHidden = hidden;
        if (!allLogits) {
            return new float[][] {model.logits(h[steps - 1])};
        }
        float[][] logits = new float[steps][];
        for (int t = 0; t < steps; t++) {
            logits[t] = model.logits(h[t]);
        }
        return logits;
    }

    private static float[][] copy(float[][] x) {
        float[][] out = new float[x.length][];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i].clone();
        }
        return out;
    }
}
