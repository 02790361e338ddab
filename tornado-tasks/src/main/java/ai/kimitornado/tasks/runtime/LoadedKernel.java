package ai.kimitornado.tasks.runtime;

/**
 * Backend SPI: a kernel ready to launch on one device.
 *
 * @see Device#compile(CompileRequest)
 */
public interface LoadedKernel {
    /** {@code Class.method} of the Java kernel. */
    String name();

    /** The generated code (OpenCL C, PTX, SPIR-V disassembly, ...) or a note for the java backend. */
    String generatedCode();

    /** Front end + emit + driver build, in nanoseconds (0 when every stage came from a cache). */
    long compileNanos();

    /** True when the driver build was skipped thanks to the kernel cache. */
    boolean fromCache();
}
