package ai.kimitornado.model.graph;

import ai.kimitornado.model.kernels.MlaExpandedPrefill;
import ai.kimitornado.model.kernels.MlaFlashPrefill;
import ai.kimitornado.model.kernels.MlaHeadGemm;

/**
 * Which form MLA attention takes in prefill chunks (decode, one token, always runs the absorbed
 * MlaFlashAttention). Chosen once per engine with {@code -Dkimi.mlaPrefill=expanded|absorbed|auto} (default auto):
 * <ul>
 *   <li>{@link #EXPANDED}: every chunk expands the visible latent cache through kv_b_proj into a scratch
 *       [maxContext × H·(nope+v)] fp32 ({@link MlaHeadGemm#expandCache}) and runs {@link MlaExpandedPrefill}:
 *       2·(nope+rope+v) = 640 flops per (query, key, head) for the real model;</li>
 *   <li>{@link #ABSORBED}: q_absorb, {@link MlaFlashPrefill} over the latent cache, value_up: 2·(2·kvLora+rope) =
 *       2,176 flops per (query, key, head), no scratch.</li>
 * </ul>
 * auto picks EXPANDED when the chunk has more than one token, the device runs 256-item work-groups (the GEMM and
 * attention tiles), v ≤ 128, and the scratch stays within {@value #MAX_SCRATCH_BYTES} bytes (2 GiB: 65,536 tokens of
 * the real model at 32 KiB each); else ABSORBED. {@code expanded} forces it (past the bound too) and fails with the
 * reason where the kernels cannot run it.
 */
enum MlaPrefillForm {
    EXPANDED, ABSORBED;

    static final String PROPERTY = "kimi.mlaPrefill";
    /** Largest expansion scratch auto accepts: 2 GiB (the real model: 65,536 tokens × 8,192 floats). */
    static final long MAX_SCRATCH_BYTES = 2L << 30;

    /** Bytes of the expansion scratch for {@code maxContext} positions. */
    static long scratchBytes(ModelDims d, int maxContext) {
        return (long) maxContext * d.mlaHeads() * (d.nope() + d.vDim()) * Float.BYTES;
    }

    /** The form from the system property (see the class comment). */
    static MlaPrefillForm choose(ModelDims d, int capacity, int maxContext, int maxLocal) {
        return choose(System.getProperty(PROPERTY, "auto"), d, capacity, maxContext, maxLocal);
    }

    static MlaPrefillForm choose(String mode, ModelDims d, int capacity, int maxContext, int maxLocal) {
        String why = unsupported(d, capacity, maxContext, maxLocal);
        switch (mode) {
            case "absorbed":
                return ABSORBED;
            case "auto":
                return why == null && scratchBytes(d, maxContext) <= MAX_SCRATCH_BYTES ? EXPANDED : ABSORBED;
            case "expanded":
                if (why != null) {
                    throw new IllegalArgumentException("MlaPrefillForm: -D" + PROPERTY + "=expanded is not possible: " + why
                            + " (use auto or absorbed)");
                }
                return EXPANDED;
            default:
                throw new IllegalArgumentException("MlaPrefillForm: -D" + PROPERTY + "=" + mode
                        + " is not one of expanded, absorbed, auto");
        }
    }

    /** Why the expanded kernels cannot run this engine's prefill chunks, or null. */
    private static String unsupported(ModelDims d, int capacity, int maxContext, int maxLocal) {
        if (capacity < 2) {
            return "the prefill chunk holds " + capacity + " token (the expanded form is for chunks)";
        }
        if (maxLocal < MlaExpandedPrefill.THREADS || maxLocal < MlaHeadGemm.THREADS) {
            return "the device's work-groups hold " + maxLocal + " items, MlaExpandedPrefill/MlaHeadGemm need "
                    + MlaExpandedPrefill.THREADS;
        }
        if (d.vDim() > MlaExpandedPrefill.MAX_V) {
            return "v_head_dim " + d.vDim() + " exceeds MlaExpandedPrefill.MAX_V " + MlaExpandedPrefill.MAX_V;
        }
        if (scratchBytes(d, maxContext) / Float.BYTES > Integer.MAX_VALUE) {
            return "the scratch of " + maxContext + " positions exceeds 2^31 floats (int indices)";
        }
        return null;
    }
}
