package ai.kimitornado.tasks.runtime;

import java.util.List;
import java.util.Map;

/**
 * What {@code kimi-tornado devices} prints and what the runtime sizes grids with. Backends fill what
 * they know; strings they do not have are empty, numbers 0.
 *
 * @param id              device id, e.g. {@code opencl:0:0}, {@code java}, {@code cuda:0}
 * @param maxWorkItemSizes per dimension
 * @param ilVersions      e.g. {@code SPIR-V_1.2}; empty when the device takes no IL
 * @param extra           backend-specific facts worth printing (compute capability, queue kind, ...)
 */
public record DeviceInfo(String id, String backend, String name, String vendor, String driverVersion,
                         String deviceVersion, String type, long globalMemBytes, long localMemBytes,
                         long maxAllocBytes, int computeUnits, long maxWorkGroupSize,
                         long[] maxWorkItemSizes, String openclCVersion, boolean fp16, boolean fp64,
                         boolean subgroups, List<String> ilVersions, List<String> extensions,
                         Map<String, String> extra) {

    /** Key of {@link #extra()} holding the NVIDIA compute capability ("9.0"), where the backend knows it. */
    public static final String COMPUTE_CAPABILITY = "compute capability";

    /**
     * Whether {@code KernelContext.mmaBf16} runs on tensor cores on this device: {@code cuda} with compute capability
     * 8.0+ (PTX {@code mma.sync}), or NVIDIA OpenCL with compute capability 8.0+ (inline PTX; off with
     * {@code -Dkimi.opencl.nvMma=false}). Everywhere else (java, PoCL, SPIR-V, other vendors, older GPUs) it is the
     * exact emulation through local memory: correct, bit-identical across those backends, slow.
     */
    public boolean nativeMmaBf16() {
        String cc = extra == null ? null : extra.get(COMPUTE_CAPABILITY);
        if (cc == null) {
            return false;
        }
        int major;
        try {
            major = Integer.parseInt(cc.substring(0, cc.indexOf('.') < 0 ? cc.length() : cc.indexOf('.')).trim());
        } catch (NumberFormatException e) {
            return false;
        }
        return switch (backend) {
            case "cuda" -> major >= 8;
            case "opencl" -> major >= 8 && vendor != null && vendor.toUpperCase(java.util.Locale.ROOT).contains("NVIDIA")
                    && !"false".equals(System.getProperty("kimi.opencl.nvMma"));
            default -> false;
        };
    }

    /**
     * Whether the warp operations ({@code KernelContext.shuffleXor/shuffleDown/warpSum/warpMax}) are hardware
     * shuffles here: {@code cuda} (PTX {@code shfl.sync}) and NVIDIA OpenCL (inline PTX; off with
     * {@code -Dkimi.opencl.nvShfl=false}). Elsewhere (PoCL, SPIR-V, java) they are the exact local-memory emulation
     * with two barriers per shuffle: correct, but a warp-per-row kernel is then slower than a plain row kernel.
     */
    public boolean nativeWarpShuffles() {
        return switch (backend) {
            case "cuda" -> true;
            case "opencl" -> vendor != null && vendor.toUpperCase(java.util.Locale.ROOT).contains("NVIDIA")
                    && !"false".equals(System.getProperty("kimi.opencl.nvShfl"));
            default -> false;
        };
    }
}
