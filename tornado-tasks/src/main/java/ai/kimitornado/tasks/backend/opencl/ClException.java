package ai.kimitornado.tasks.backend.opencl;

/** An OpenCL call failed: carries the status code, its name, the call and the device it was for. */
public class ClException extends RuntimeException {
    private final int code;

    public ClException(int code, String call, String site) {
        this(code, call, site, null);
    }

    public ClException(int code, String call, String site, String detail) {
        super(call + " failed with " + ClErrors.name(code) + (site == null ? "" : " on " + site)
                + (detail == null ? "" : "\n" + detail));
        this.code = code;
    }

    public int code() {
        return code;
    }
}
