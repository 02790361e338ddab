package ai.kimitornado.model.reference;

/** How MLA attends over the latent cache. Both compute the same function. */
public enum MlaForm {
    /** Expand per-head keys/values from every cached latent (kv_b_proj), then attend. */
    EXPANDED,
    /** Fold kv_b_proj into the query (Wukᵀ q) and the output (Wuv ctx); attend in latent space. */
    ABSORBED
}
