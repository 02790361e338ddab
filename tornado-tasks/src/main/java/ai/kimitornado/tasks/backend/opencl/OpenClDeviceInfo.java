package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.DeviceInfo;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static ai.kimitornado.tasks.backend.opencl.ClBinding.*;

/** Reads an OpenCL device's facts into a {@link DeviceInfo}. */
final class OpenClDeviceInfo {
    private OpenClDeviceInfo() {}

    static DeviceInfo query(ClBinding cl, MemorySegment platform, MemorySegment device, String id) {
        String extensions = cl.deviceString(device, CL_DEVICE_EXTENSIONS);
        List<String> ext = Arrays.stream(extensions.split("\\s+")).filter(s -> !s.isEmpty()).toList();
        String version = cl.deviceString(device, CL_DEVICE_VERSION);
        boolean fp64 = cl.deviceLong(device, CL_DEVICE_DOUBLE_FP_CONFIG) != 0 || ext.contains("cl_khr_fp64");
        boolean fp16 = ext.contains("cl_khr_fp16");
        boolean subgroups = ext.contains("cl_khr_subgroups") || ext.contains("cl_intel_subgroups")
                || cl.deviceLong(device, CL_DEVICE_MAX_NUM_SUB_GROUPS) > 0;
        List<String> ils = Arrays.stream(cl.deviceString(device, CL_DEVICE_IL_VERSION).split("\\s+"))
                .filter(s -> !s.isEmpty()).toList();
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("platform", cl.platformString(platform, CL_PLATFORM_NAME) + " (" + cl.platformString(platform, CL_PLATFORM_VERSION) + ")");
        extra.put("max clock MHz", Long.toString(cl.deviceLong(device, CL_DEVICE_MAX_CLOCK_FREQUENCY)));
        extra.put("max sub-groups", Long.toString(cl.deviceLong(device, CL_DEVICE_MAX_NUM_SUB_GROUPS)));
        if (ext.contains("cl_nv_device_attribute_query")) { // NVIDIA: decides inline-PTX mma.sync (nativeMmaBf16)
            extra.put(DeviceInfo.COMPUTE_CAPABILITY, cl.deviceLong(device, CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV) + "."
                    + cl.deviceLong(device, CL_DEVICE_COMPUTE_CAPABILITY_MINOR_NV));
        }
        extra.put(CORRECTLY_ROUNDED_KEY, correctlyRoundedDivSqrt(cl, device) ? "yes (built with -cl-fp32-correctly-rounded-divide-sqrt)"
                : "no: fp32 / and sqrt may differ from Java by up to 2.5 / 3 ulp");
        return new DeviceInfo(id, "opencl",
                cl.deviceString(device, CL_DEVICE_NAME),
                cl.deviceString(device, CL_DEVICE_VENDOR),
                cl.deviceString(device, CL_DRIVER_VERSION),
                version,
                typeName(cl.deviceLong(device, CL_DEVICE_TYPE)),
                cl.deviceLong(device, CL_DEVICE_GLOBAL_MEM_SIZE),
                cl.deviceLong(device, CL_DEVICE_LOCAL_MEM_SIZE),
                cl.deviceLong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                (int) cl.deviceLong(device, CL_DEVICE_MAX_COMPUTE_UNITS),
                cl.deviceLong(device, CL_DEVICE_MAX_WORK_GROUP_SIZE),
                cl.deviceSizes(device, CL_DEVICE_MAX_WORK_ITEM_SIZES),
                cl.deviceString(device, CL_DEVICE_OPENCL_C_VERSION),
                fp16, fp64, subgroups, ils, ext, java.util.Collections.unmodifiableMap(extra));
    }

    /** cl_nv_device_attribute_query. */
    static final int CL_DEVICE_COMPUTE_CAPABILITY_MAJOR_NV = 0x4000, CL_DEVICE_COMPUTE_CAPABILITY_MINOR_NV = 0x4001;

    static final String CORRECTLY_ROUNDED_KEY = "fp32 div/sqrt as Java";

    static boolean correctlyRoundedDivSqrt(ClBinding cl, MemorySegment device) {
        return (cl.deviceLong(device, CL_DEVICE_SINGLE_FP_CONFIG) & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0;
    }

    private static String typeName(long type) {
        if ((type & CL_DEVICE_TYPE_GPU) != 0) return "GPU";
        if ((type & CL_DEVICE_TYPE_CPU) != 0) return "CPU";
        if ((type & CL_DEVICE_TYPE_ACCELERATOR) != 0) return "accelerator";
        return "other";
    }
}
