package ai.kimitornado.cli;

/**
 * What the CLI needs from a forward implementation: the plain-Java reference today, the task graphs
 * on a device ({@code java}, {@code opencl:P:D}, {@code cuda:N}, {@code spirv:P:D}) as they land.
 * Logits rows are [vocab] float32.
 */
interface Engine extends AutoCloseable {
    /** One line describing what runs (device, backend, form), printed before work starts. */
    String describe();

    int vocabSize();

    /** Logits at every position of one full forward over {@code ids} (fresh state). [T][vocab] */
    float[][] forwardAll(int[] ids);

    /** Short backend name for tables ("plain Java", "opencl", "cuda", ...). */
    default String backend() {
        return describe();
    }

    /**
     * Hidden state after the embedding and after every layer (before the final norm), every position, of one
     * full forward (fresh state). [layers + 1][T][hidden]
     */
    float[][][] hiddenStates(int[] ids);

    /** Starts a new sequence: consumes the prompt, returns the logits of its last position. [vocab] */
    float[] prefill(int[] ids);

    /** One cached decode step: consumes {@code id}, returns the logits of the new position. [vocab] */
    float[] decode(int id);

    @Override
    void close();
}
