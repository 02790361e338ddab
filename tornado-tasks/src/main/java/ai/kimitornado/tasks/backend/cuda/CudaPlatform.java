package ai.kimitornado.tasks.backend.cuda;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The CUDA driver as a whole: cuInit once, the device list, and a primary context per device. When
 * the driver is missing or reports no GPU, {@link #devices()} is empty and {@link #unavailableReason()}
 * says why in one line; nothing throws.
 */
public final class CudaPlatform {
    // CUdevice_attribute values (cuda.h)
    static final int ATTR_MAX_THREADS_PER_BLOCK = 1;
    static final int ATTR_MAX_SHARED_MEMORY_PER_BLOCK = 8;
    static final int ATTR_WARP_SIZE = 10;
    static final int ATTR_CLOCK_RATE = 13;
    static final int ATTR_MULTIPROCESSOR_COUNT = 16;
    static final int ATTR_MEMORY_CLOCK_RATE = 36;
    static final int ATTR_GLOBAL_MEMORY_BUS_WIDTH = 37;
    static final int ATTR_L2_CACHE_SIZE = 38;
    static final int ATTR_COMPUTE_CAPABILITY_MAJOR = 75;
    static final int ATTR_COMPUTE_CAPABILITY_MINOR = 76;
    static final int ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;

    private static final CudaPlatform INSTANCE = new CudaPlatform();

    private final List<CudaDeviceInfo> devices;
    private final String unavailableReason;
    private final CudaContext[] contexts;

    private CudaPlatform() {
        List<CudaDeviceInfo> found = List.of();
        String reason = CudaLibrary.loadFailure().orElse(null);
        if (reason == null) {
            try {
                found = enumerate();
                if (found.isEmpty()) {
                    reason = "CUDA driver loaded but reports no devices";
                }
            } catch (CudaException | LinkageError e) { // LinkageError: a symbol this binding needs is missing
                reason = "CUDA driver unusable: " + e.getMessage();
            }
        }
        this.devices = found;
        this.unavailableReason = reason;
        this.contexts = new CudaContext[found.size()];
    }

    /** The process-wide platform (cuInit runs on first use). */
    public static CudaPlatform get() {
        return INSTANCE;
    }

    /** Every GPU the driver lists; empty without a driver. */
    public List<CudaDeviceInfo> devices() {
        return devices;
    }

    /** Why there are no devices, in one line; empty when there are some. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    /** The device with id {@code cuda:N}; the error lists the ids that exist. */
    public CudaDeviceInfo device(String id) {
        for (CudaDeviceInfo d : devices) {
            if (d.id().equals(id)) {
                return d;
            }
        }
        List<String> ids = devices.stream().map(CudaDeviceInfo::id).toList();
        throw new IllegalArgumentException("unknown CUDA device '" + id + "'; available: "
                + (ids.isEmpty() ? "none (" + unavailableReason + ")" : String.join(", ", ids)));
    }

    /** The retained primary context of a device (shared with any other CUDA user in the process). */
    public synchronized CudaContext context(int ordinal) {
        if (ordinal < 0 || ordinal >= contexts.length) {
            device("cuda:" + ordinal); // throws with the list of devices
        }
        if (contexts[ordinal] == null) {
            contexts[ordinal] = CudaContext.retainPrimary(devices.get(ordinal));
        }
        return contexts[ordinal];
    }

    private static List<CudaDeviceInfo> enumerate() {
        int rc = ai.kimitornado.tasks.runtime.NativeSignals.preserving("cuInit", () -> CudaApi.init(0));
        if (rc == CudaErrors.CUDA_ERROR_NO_DEVICE) {
            return List.of();
        }
        CudaErrors.check(rc, "initializing the CUDA driver (cuInit)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG);
            CudaErrors.check(CudaApi.driverGetVersion(out), "querying the driver version");
            int driverVersion = out.get(JAVA_INT, 0);
            CudaErrors.check(CudaApi.deviceGetCount(out), "counting CUDA devices");
            int count = out.get(JAVA_INT, 0);
            List<CudaDeviceInfo> list = new ArrayList<>();
            for (int ordinal = 0; ordinal < count; ordinal++) {
                list.add(query(arena, ordinal, driverVersion));
            }
            return List.copyOf(list);
        }
    }

    private static CudaDeviceInfo query(Arena arena, int ordinal, int driverVersion) {
        MemorySegment out = arena.allocate(JAVA_LONG);
        CudaErrors.check(CudaApi.deviceGet(out, ordinal), "getting device " + ordinal);
        int device = out.get(JAVA_INT, 0);
        MemorySegment name = arena.allocate(256);
        CudaErrors.check(CudaApi.deviceGetName(name, 256, device), "reading the name of cuda:" + ordinal);
        CudaErrors.check(CudaApi.deviceTotalMem(out, device), "reading the memory size of cuda:" + ordinal);
        long totalMemory = out.get(JAVA_LONG, 0);
        return new CudaDeviceInfo(ordinal, name.getString(0), totalMemory,
                attribute(out, device, ATTR_MULTIPROCESSOR_COUNT),
                attribute(out, device, ATTR_COMPUTE_CAPABILITY_MAJOR),
                attribute(out, device, ATTR_COMPUTE_CAPABILITY_MINOR),
                attribute(out, device, ATTR_MAX_THREADS_PER_BLOCK),
                attribute(out, device, ATTR_MAX_SHARED_MEMORY_PER_BLOCK),
                attribute(out, device, ATTR_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN),
                attribute(out, device, ATTR_WARP_SIZE),
                attribute(out, device, ATTR_CLOCK_RATE),
                attribute(out, device, ATTR_MEMORY_CLOCK_RATE),
                attribute(out, device, ATTR_GLOBAL_MEMORY_BUS_WIDTH),
                attribute(out, device, ATTR_L2_CACHE_SIZE),
                driverVersion);
    }

    private static int attribute(MemorySegment out, int device, int attribute) {
        CudaErrors.check(CudaApi.deviceGetAttribute(out, attribute, device),
                "reading attribute " + attribute + " of CUdevice " + device);
        return out.get(JAVA_INT, 0);
    }
}
