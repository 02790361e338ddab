/**
 * The plain-Java reference forward of Kimi Linear (the oracle every kernel and backend is tested against),
 * one operation per class with its math in the class comment (KIMI_LINEAR.md §3):
 * {@link ai.kimitornado.model.reference.RmsNorm}, {@link ai.kimitornado.model.reference.SwiGluMlp},
 * KDA ({@link ai.kimitornado.model.reference.ShortConvolution}, {@link ai.kimitornado.model.reference.L2Norm},
 * {@link ai.kimitornado.model.reference.KdaRecurrence}, {@link ai.kimitornado.model.reference.KdaChunkwise},
 * {@link ai.kimitornado.model.reference.GatedRmsNorm}, {@link ai.kimitornado.model.reference.KimiDeltaAttention}),
 * MLA ({@link ai.kimitornado.model.reference.MultiHeadLatentAttention} in expanded and absorbed form over a
 * {@link ai.kimitornado.model.reference.MlaLatentCache}), MoE ({@link ai.kimitornado.model.reference.MoeRouter},
 * {@link ai.kimitornado.model.reference.MoeBlock}).
 *
 * <p>Entry points: {@link ai.kimitornado.model.reference.ReferenceModel} ({@code load}/{@code open}/{@code forward})
 * and {@link ai.kimitornado.model.reference.ReferenceSession} ({@code prefill}, {@code decode}, {@code reset}).
 * Activations between operations are float; every dot product accumulates in double; the KDA recurrent state
 * is double, laid out {@code S[h][key][value]}.
 */
package ai.kimitornado.model.reference;
