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
}
