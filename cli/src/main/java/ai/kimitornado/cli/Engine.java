package ai.kimitornado.cli;

/**
 * What the CLI needs from a forward implementation: the plain-Java reference ({@code reference}) or the
 * task graphs on a runtime device ({@code java}, {@code opencl:P:D}, {@code cuda:N}, {@code spirv:P:D}).
 * Sampling options are fixed when the engine is opened; devices sample on the device, so only the token
 * id comes back. Logits rows are [vocab] float32.
 */
interface Engine extends AutoCloseable {
    /** One line describing what runs (device, backend, form), printed before work starts. */
    String describe();

    /** Short backend name for tables ("plain Java", "opencl", "cuda", ...). */
    String backend();

    int vocabSize();

    /** Logits at every position of one full forward over {@code ids} (fresh sequence). [T][vocab] */
    float[][] forwardAll(int[] ids);

    /**
     * Hidden state after the embedding and after every layer (the last slot after the final norm, the
     * transformers convention), every position, of one full forward (fresh sequence). [layers + 1][T][hidden]
     */
    float[][][] hiddenStates(int[] ids);

    /** Starts a new sequence with the prompt; returns the sampled next token id. */
    int prefill(int[] ids);

    /** One cached decode step consuming {@code id}; returns the sampled next token id. */
    int decode(int id);

    /** Logits of the last position of the last prefill/decode. [vocab] */
    float[] lastLogits();

    @Override
    void close();
}
