package ai.kimitornado.model.graph;

import java.util.Locale;

/**
 * Which kernels run the prefill GEMMs (chunk projections in {@code linear} and the expert-grouped MoE): the bf16
 * tensor-core kernels ({@code GemmBf16Mma}, {@code MoeGroupedGateUpMma}, {@code MoeGroupedDownMma}) or the fp32 SIMT
 * tiles ({@code GemmBf16Tiled}, {@code MoeGroupedGateUp}, {@code MoeGroupedDown}).
 * <p>{@code -Dkimi.prefillGemm=auto} (default) picks MMA exactly where the device runs {@code mma.sync} on tensor
 * cores ({@link GraphExecutor#nativeMmaBf16()}: CUDA and NVIDIA OpenCL on compute capability 8.0+); elsewhere the
 * MMA kernels would run the exact but slow emulation, so SIMT. {@code mma} or {@code simt} force either (A/B runs;
 * {@code mma} on PoCL/SPIR-V/java runs the emulation, for tests). The kernel class names show the choice in the
 * bench per-kernel-class breakdown.
 */
public enum PrefillGemm {
    MMA, SIMT;

    /** The system property that forces a choice: {@code mma}, {@code simt} or {@code auto}. */
    public static final String PROPERTY = "kimi.prefillGemm";

    /**
     * The grouped MoE GEMMs follow the choice unless {@code -Dkimi.prefillGemmMoe=simt} keeps them SIMT (A/B runs).
     * (Until 06:40 they were opt-in: PoCL ran a few guarded padding stores — fixed by the kernels' sink row.)
     */
    public static final String MOE_PROPERTY = "kimi.prefillGemmMoe";

    /** Whether the grouped MoE runs the MMA kernels: {@code choice == MMA} unless {@value #MOE_PROPERTY}{@code =simt}. */
    public static boolean moeUsesMma(PrefillGemm choice) {
        return choice == MMA && !"simt".equalsIgnoreCase(System.getProperty(MOE_PROPERTY, "auto").trim());
    }

    /** The choice for a device, from {@value #PROPERTY} (read at each call, so an engine opened later sees a change). */
    public static PrefillGemm choose(boolean nativeMma) {
        String v = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> nativeMma ? MMA : SIMT;
            case "mma" -> MMA;
            case "simt" -> SIMT;
            default -> throw new IllegalArgumentException("PrefillGemm.choose: -D" + PROPERTY + "=" + v
                    + " is not one of mma, simt, auto");
        };
    }
}
