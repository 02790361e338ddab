package ai.kimitornado.tasks.emit.ptx;

/**
 * A kernel emitted as a PTX module.
 *
 * @param entryName the {@code .entry} name, for cuModuleGetFunction
 * @param source    the whole module text (header, shared declarations, entry)
 * @param target    what it was emitted for
 */
public record PtxKernel(String entryName, String source, PtxTarget target) {
}
