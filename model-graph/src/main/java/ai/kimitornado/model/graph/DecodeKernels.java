package ai.kimitornado.model.graph;

import java.util.Locale;

/**
 * Which kernels run the decode step (one token): the warp kernels (one warp per row with warp sums —
 * {@code MatVecBf16Warp}, {@code MlaFlashDecodeWarp}, {@code MoeRouterTopKWarp}, {@code KdaGatesWarp},
 * {@code RmsNormRowsWarp}, the router GEMV with the post-attention norm folded in) or the row kernels with
 * work-group tree sums ({@code MatVecBf16Rows}, {@code MlaFlashAttention}, {@code MoeRouterTopK}, ...).
 * <p>{@code -Dkimi.decodeWarpKernels=auto} (default) picks the warp kernels exactly where warp shuffles are hardware
 * instructions ({@link GraphExecutor#nativeWarpShuffles()}: cuda, NVIDIA OpenCL). On PoCL/SPIR-V each shuffle is a
 * local-memory exchange with two barriers: measured on the H200 host (tinyDemo, 16 cores), the LM head as
 * {@code MatVecBf16Warp} took 6.96 ms per token against 3.2 ms for the row kernel. {@code true} / {@code false}
 * force either (A/B runs, tests). The kernel class names in the bench breakdown show the choice.
 */
public enum DecodeKernels {
    WARP, ROWS;

    /** The system property that forces a choice: {@code true} (warp), {@code false} (rows) or {@code auto}. */
    public static final String PROPERTY = "kimi.decodeWarpKernels";

    /** The choice for a device, from {@value #PROPERTY} (read at each call, so an engine opened later sees a change). */
    public static DecodeKernels choose(boolean nativeWarpShuffles) {
        String v = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> nativeWarpShuffles ? WARP : ROWS;
            case "true", "warp" -> WARP;
            case "false", "rows" -> ROWS;
            default -> throw new IllegalArgumentException("DecodeKernels.choose: -D" + PROPERTY + "=" + v
                    + " is not one of auto, true (warp kernels), false (row kernels)");
        };
    }
}
