package ai.kimitornado.model.reference;

/** How the reference runs KDA over several tokens of one call. Both compute the same function. */
public enum KdaPrefillMode {
    /** {@link KdaRecurrence}, one token after another. */
    TOKEN_RECURRENCE,
    /** {@link KdaChunkwise}, chunks of 64 with sub-blocks of 16. */
    CHUNKWISE
}
