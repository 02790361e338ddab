package ai.kimitornado.tasks.api;

/**
 * What the work-items of one work-group share when the java backend runs a {@link KernelContext} kernel on the
 * JVM: the barrier and the group-shared local arrays. One instance per work-group; its work-items run
 * concurrently (one thread each) so that {@link #barrier()} can block.
 */
public interface WorkGroupState {
    /** Blocks until every work-item of the group has arrived (OpenCL {@code barrier}). */
    void barrier();

    /**
     * The group-shared array of the {@code ordinal}-th {@code allocate*LocalArray} call made by a work-item (every
     * work-item makes the same calls in the same order, so ordinals identify allocation sites). The first caller
     * creates it: {@code float[]}, {@code int[]}, {@code long[]}, {@code double[]}, {@code byte[]}, or
     * {@code short[]} (fp16 bits) of {@code length} elements, per {@code componentType}.
     */
    Object localArray(int ordinal, Class<?> componentType, int length);

    /**
     * The group-shared exchange array of the warp operations: {@code groupSize} ints (one per work-item, by linear
     * local id), the same array for every caller of the group (the first creates it).
     */
    int[] warpScratch(int groupSize);

    /**
     * The group-shared exchange array of {@link KernelContext#mmaBf16}: {@code 6 * groupSize} ints (each work-item's
     * four A and two B fragment ints, by linear local id), the same array for every caller of the group.
     */
    int[] mmaScratch(int groupSize);
}
