package ai.kimitornado.tasks.backend.cuda;

/** The driver's JIT rejected generated PTX; the message holds its error log and the PTX around the failing line. */
public final class PtxLoadException extends CudaException {
    private final String errorLog;

    PtxLoadException(int code, String what, String deviceId, String errorLog, String ptx) {
        super(code, "cuModuleLoadDataEx rejected the PTX of " + what + " on " + deviceId + ": "
                + CudaErrors.describe(code) + "\n" + PtxListing.explain(ptx, errorLog.isBlank()
                ? "(the driver wrote no error log)" : errorLog, 4), true);
        this.errorLog = errorLog;
    }

    /** The raw CU_JIT_ERROR_LOG_BUFFER text. */
    public String errorLog() {
        return errorLog;
    }
}
