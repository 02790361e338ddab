package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.emit.spirv.SpirvTools;
import ai.kimitornado.tasks.runtime.DeviceInfo;
import java.nio.file.Path;
import java.util.Optional;

/**
 * How a SPIR-V module reaches an OpenCL device. NATIVE_IL: the driver consumes SPIR-V itself
 * (clCreateProgramWithIL; the device lists SPIR-V in CL_DEVICE_IL_VERSION). TRANSLATOR: the device has
 * {@code cl_khr_spir}, so the module is translated back to SPIR 1.2 LLVM bitcode with {@code llvm-spirv-15 -r}
 * and loaded with clCreateProgramWithBinary and {@code -x spir -spir-std=1.2}.
 */
public enum SpirvRoute {
    NATIVE_IL, TRANSLATOR;

    /** Driver build options of the route (before the plan's own options). */
    public String buildOptions() {
        return this == TRANSLATOR ? "-x spir -spir-std=1.2" : "";
    }

    /** One line for {@code devices} and profiler output. */
    public String describe(DeviceInfo info) {
        return switch (this) {
            case NATIVE_IL -> "native IL: clCreateProgramWithIL (" + String.join(" ", info.ilVersions()) + ")";
            case TRANSLATOR -> "translator: " + SpirvTools.findTranslator().map(Path::toString).orElse("llvm-spirv-15")
                    + " -r → SPIR 1.2 bitcode → clCreateProgramWithBinary(-x spir -spir-std=1.2) (cl_khr_spir)";
        };
    }

    /** True when CL_DEVICE_IL_VERSION lists SPIR-V (any 1.x takes our SPIR-V 1.0 modules). */
    public static boolean acceptsIl(DeviceInfo info) {
        return info.ilVersions().stream().anyMatch(v -> v.startsWith("SPIR-V"));
    }

    /**
     * The route for an OpenCL device: native IL first (no external process), else the translator when the
     * device has cl_khr_spir and the translator is installed; empty with {@link #whyNot} otherwise.
     */
    public static Optional<SpirvRoute> choose(DeviceInfo info, boolean loaderHasProgramWithIl) {
        if (acceptsIl(info) && loaderHasProgramWithIl) {
            return Optional.of(NATIVE_IL);
        }
        if (info.extensions().contains("cl_khr_spir") && SpirvTools.findTranslator().isPresent()) {
            return Optional.of(TRANSLATOR);
        }
        return Optional.empty();
    }

    /** Why an OpenCL device takes no SPIR-V, in one line. */
    public static String whyNot(DeviceInfo info, boolean loaderHasProgramWithIl) {
        StringBuilder sb = new StringBuilder(info.id()).append(" (").append(info.name()).append("): ");
        if (acceptsIl(info) && !loaderHasProgramWithIl) {
            sb.append("lists SPIR-V but the ICD loader lacks clCreateProgramWithIL; ");
        } else {
            sb.append("no SPIR-V in CL_DEVICE_IL_VERSION");
        }
        if (info.extensions().contains("cl_khr_spir")) {
            sb.append(", has cl_khr_spir but ").append(SpirvTools.TRANSLATOR_NAMES.getFirst())
                    .append(" is not on PATH (Debian package llvm-spirv-15)");
        } else {
            sb.append(", no cl_khr_spir");
        }
        return sb.toString();
    }
}
