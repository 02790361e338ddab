package ai.kimitornado.tasks.jit;

/**
 * A kernel uses Java the JIT does not compile. The message is {@code Class.method:line: construct}, e.g.
 * {@code Kernels.scale:42: object allocation (new java/lang/StringBuilder) is not supported in kernels}.
 * There is never a fallback to running the Java: this is always an error.
 */
public final class KernelCompilationException extends RuntimeException {
    private final String location;
    private final String construct;

    /** {@code location} is {@code Class.method:line} ({@code :?} when the class has no line numbers). */
    public KernelCompilationException(String location, String construct) {
        super(location + ": " + construct);
        this.location = location;
        this.construct = construct;
    }

    public String location() {
        return location;
    }

    public String construct() {
        return construct;
    }
}
