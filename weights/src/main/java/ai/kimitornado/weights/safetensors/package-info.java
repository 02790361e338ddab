/**
 * safetensors files read through FFM memory maps (zero-copy {@link ai.kimitornado.weights.safetensors.TensorView}s,
 * single files or sharded checkpoints with {@code model.safetensors.index.json}), validated on open, and a writer.
 * Every problem is a {@link ai.kimitornado.weights.safetensors.SafeTensorsException} naming file, tensor, expected
 * and found.
 */
package ai.kimitornado.weights.safetensors;
