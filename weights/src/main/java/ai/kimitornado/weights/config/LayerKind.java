package ai.kimitornado.weights.config;

/** The attention mixer of one decoder layer. */
public enum LayerKind {
    /** Kimi Delta Attention (linear attention, "linear_attention" in transformers). */
    KDA,
    /** Multi-head Latent Attention, NoPE (full attention, "full_attention" in transformers). */
    MLA
}
