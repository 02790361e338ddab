package ai.kimitornado.tasks.backend.cuda;

/** A CUDA driver call failed: carries the CUresult code, its name and what was being done. */
public class CudaException extends RuntimeException {
    private final int code;

    public CudaException(int code, String action) {
        super(CudaErrors.describe(code) + " while " + action);
        this.code = code;
    }

    protected CudaException(int code, String message, boolean verbatim) {
        super(message);
        this.code = code;
    }

    /** The raw CUresult value. */
    public int code() {
        return code;
    }

    /** The symbolic name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName() {
        return CudaErrors.name(code);
    }
}
