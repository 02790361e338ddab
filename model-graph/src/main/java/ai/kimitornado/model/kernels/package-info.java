/**
 * The Kimi Linear forward pass as Java kernels (one operation per class, math and shapes in each class comment),
 * compiled by the tornado-tasks JIT to OpenCL C / PTX / SPIR-V and run on the JVM by the java backend.
 *
 * <p>Conventions shared by every kernel: KernelContext style (explicit grids, set by the graph builder);
 * weights bf16 widened in-kernel ({@link ai.kimitornado.model.kernels.Bf16#widen}); activations and KDA state
 * fp32; chunk-aware kernels read {@code meta} ({@link ai.kimitornado.model.kernels.KernelLimits#META_POSITION},
 * {@code META_COUNT}, {@code META_SEED}) and ignore rows ≥ count, so one graph with fixed buffers serves any
 * chunk length; a chunk at position 0 starts a sequence (KDA state and conv history read as zero). Reducing
 * kernels use power-of-two work-groups ≤ {@link ai.kimitornado.model.kernels.KernelLimits#MAX_LOCAL}; early
 * returns before a barrier are always uniform over the work-group.
 *
 * <p>Fusions: SiLU·up into the gate/up projections ({@code SwiGluGateUp}, {@code MoeExpertsGateUp}); residual
 * adds into o_proj/down ({@code MatVecBf16}/{@code GemmBf16} accumulate, {@code MoeExpertsDown}); softplus and
 * A_log into the forget-gate up projection; sigmoid into the beta projection; kv_a latent norm into the cache
 * append; the shared expert into the routed-expert launches (packed as expert E). Not yet fused: RMSNorm into the
 * following projection, q/k/v projections into one launch.
 */
package ai.kimitornado.model.kernels;
