package ai.kimitornado.tasks.api;

/** When a graph's arrays move between host and device. */
public enum DataTransferMode {
    /** Once per plan: on the first {@code execute()} (inputs that stay resident, e.g. weights). */
    FIRST_EXECUTION,
    /** On every {@code execute()}. */
    EVERY_EXECUTION,
    /** Host transfers only: never automatically; on request via {@link TornadoExecutionResult#transferToHost}. */
    UNDER_DEMAND
}
