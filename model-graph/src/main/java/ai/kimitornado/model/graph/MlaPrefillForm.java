package ai.kimitornado.model.graph;

import java.util.function.BooleanSupplier;

import ai.kimitornado.model.kernels.MlaExpandedPrefill;
import ai.kimitornado.model.kernels.MlaExpandedPrefillMma;
import ai.kimitornado.model.kernels.MlaFlashPrefill;
import ai.kimitornado.model.kernels.MlaHeadGemm;

/**
 * Which form MLA attention takes in prefill chunks (decode, one token, always runs the absorbed
 * MlaFlashAttention). Chosen once per engine with {@code -Dkimi.mlaPrefill=expanded|absorbed|auto} (default auto):
 * <ul>
 *   <li>{@link #EXPANDED}: every chunk expands the visible latent cache through kv_b_proj into a scratch
 *       [maxContext × H·(nope+v)] fp32 ({@link MlaHeadGemm#expandCache}) and runs {@link MlaExpandedPrefill}:
 *       2·(nope+rope+v) = 640 flops per (query, key, head) for the real model;</li>
 *   <li>{@link #EXPANDED_MMA}: the same with {@link MlaExpandedPrefillMma} (score and P·V on bf16 tensor-core MMAs,
 *       hi/lo split: three MMAs per product) on devices whose MMA is native (cuda, NVIDIA OpenCL; PoCL's build of
 *       the emulated kernel takes many minutes); not chosen by auto until measured on the H200;</li>
 *   <li>{@link #ABSORBED}: q_absorb, {@link MlaFlashPrefill} over the latent cache, value_up: 2·(2·kvLora+rope) =
 *       2,176 flops per (query, key, head), no scratch.</li>
 * </ul>
 * auto picks EXPANDED when the chunk has more than one token, the device runs 256-item work-groups (the GEMM and
 * attention tiles), v ≤ 128, and the scratch stays within {@value #MAX_SCRATCH_BYTES} bytes (2 GiB: 65,536 tokens of
 * the real model at 32 KiB each); else ABSORBED. {@code expanded} forces it (past the bound too) and fails with the
 * reason where the kernels cannot run it.
 */
enum MlaPrefillForm {
    EXPANDED, EXPANDED_MMA, ABSORBED;

    /** Whether chunks run the expansion and an expanded attention kernel. */
    boolean expanded() {
        return this != ABSORBED;
    }

    static final String PROPERTY = "kimi.mlaPrefill";
    /** Largest expansion scratch auto accepts: 2 GiB (the real model: 65,536 tokens × 8,192 floats). */
    static final long MAX_SCRATCH_BYTES = 2L << 30;

    /** Bytes of the expansion scratch for {@code maxContext} positions. */
    static long scratchBytes(ModelDims d, int maxContext) {
        return (long) maxContext * d.mlaHeads() * (d.nope() + d.vDim()) * Float.BYTES;
    }

    /** The form from the system property (see the class comment). */
    static MlaPrefillForm choose(ModelDims d, int capacity, int maxContext, int maxLocal, BooleanSupplier nativeMma) {
        return choose(System.getProperty(PROPERTY, "auto"), d, capacity, maxContext, maxLocal, nativeMma);
    }

    /** @param nativeMma whether the device runs KernelContext.mmaBf16 on tensor cores (asked only for expanded-mma) */
    static MlaPrefillForm choose(String mode, ModelDims d, int capacity, int maxContext, int maxLocal,
                                 BooleanSupplier nativeMma) {
        String why = unsupported(d, capacity, maxContext, maxLocal);
        switch (mode) {
            case "absorbed":
                return ABSORBED;
            case "auto":
                return why == null && scratchBytes(d, maxContext) <= MAX_SCRATCH_BYTES ? EXPANDED : ABSORBED;
            case "expanded", "expanded-mma":
                if (why != null) {
                    throw new IllegalArgumentException("MlaPrefillForm: -D" + PROPERTY + "=" + mode + " is not possible: "
                            + why + " (use auto or absorbed)");
                }
                if (mode.equals("expanded-mma") && !nativeMma.getAsBoolean()) {
                    throw new IllegalArgumentException("MlaPrefillForm: -D" + PROPERTY + "=expanded-mma needs a device with"
                            + " native bf16 MMA (cuda, NVIDIA OpenCL cc 8.0+): this one emulates mmaBf16 and its build of"
                            + " MlaExpandedPrefillMma takes many minutes (use expanded)");
                }
                return mode.equals("expanded") ? EXPANDED : EXPANDED_MMA;
            default:
                throw new IllegalArgumentException("MlaPrefillForm: -D" + PROPERTY + "=" + mode
                        + " is not one of expanded, expanded-mma, absorbed, auto");
        }
    }

    /** Why the expanded kernels cannot run this engine's prefill chunks, or null. */
    private static String unsupported(ModelDims d, int capacity, int maxContext, int maxLocal) {
        if (capacity < 2) {
            return "the prefill chunk holds " + capacity + " token (the expanded form is for chunks)";
        }
        if (maxLocal < MlaExpandedPrefill.THREADS || maxLocal < MlaHeadGemm.THREADS
                || maxLocal < MlaExpandedPrefillMma.THREADS) {
            return "the device's work-groups hold " + maxLocal + " items, MlaExpandedPrefill/MlaHeadGemm need "
                    + MlaExpandedPrefill.THREADS;
        }
        if (d.vDim() > MlaExpandedPrefill.MAX_V || d.vDim() > MlaExpandedPrefillMma.MAX_V) {
            return "v_head_dim " + d.vDim() + " exceeds MlaExpandedPrefill.MAX_V " + MlaExpandedPrefill.MAX_V;
        }
        if (scratchBytes(d, maxContext) / Float.BYTES > Integer.MAX_VALUE) {
            return "the scratch of " + maxContext + " positions exceeds 2^31 floats (int indices)";
        }
        return null;
    }
}
