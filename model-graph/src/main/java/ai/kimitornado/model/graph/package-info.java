/**
 * Task graphs and the device engine. {@link ai.kimitornado.model.graph.DeviceEngine} loads a checkpoint
 * (zero-copy bf16 views of the mmap'd safetensors; experts packed per layer), builds two
 * {@link ai.kimitornado.model.graph.ForwardGraph}s with {@code ForwardGraphBuilder} — prefill (chunks, tiled GEMM,
 * KDA chunkwise, causal MLA) and decode (one token, GEMV, KDA recurrent, MLA absorbed split attention) — over the
 * same weights, {@code SequenceState} and {@code ChunkBuffers}, and runs them through
 * {@link ai.kimitornado.model.graph.RuntimeGraphExecutor}: one {@code TornadoExecutionPlan}, graphs executed by
 * name, residency by identity. Per step only token ids + meta go up and the sampled id comes back; logits and
 * per-layer hidden states are downloaded on demand.
 */
package ai.kimitornado.model.graph;
