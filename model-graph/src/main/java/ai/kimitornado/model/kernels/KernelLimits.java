package ai.kimitornado.model.kernels;

/**
 * Compile-time sizes shared by the kernels and the graph builders. Local arrays need a constant length, so
 * work-groups that reduce through local memory are at most {@link #MAX_LOCAL} wide (and a power of two).
 */
public final class KernelLimits {
    private KernelLimits() {
    }

    /** Largest work-group of a reducing kernel; its local scratch arrays have this length. */
    public static final int MAX_LOCAL = 256;
    /** Largest head dimension (KDA dk, dv) the per-head kernels stage in local memory. */
    public static final int MAX_HEAD_DIM = 256;
    /** Largest expert count the on-device router holds in local memory. */
    public static final int MAX_EXPERTS = 512;
    /** Largest MLA split (context positions per work-group of the split attention). */
    public static final int MAX_SPLIT = 256;
    /** Largest MLA cache row (kv_lora_rank + qk_rope_head_dim) staged in local memory. */
    public static final int MAX_LATENT = 1024;
    /** Tile edge of the batched GEMM (work-group TILE × TILE). */
    public static final int GEMM_TILE = 16;

    /** Slots of the {@code meta} IntArray every chunk-aware kernel reads. */
    public static final int META_POSITION = 0; // absolute position of the chunk's first token
    public static final int META_COUNT = 1;    // valid tokens in the chunk (rows ≥ count are ignored)
    public static final int META_SEED = 2;     // sampler seed (low 31 bits)
    public static final int META_SIZE = 4;
}
