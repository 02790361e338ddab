package ai.kimitornado.tasks.backend.spirv;

import ai.kimitornado.tasks.backend.opencl.ClBinding;
import ai.kimitornado.tasks.backend.opencl.OpenClBackend;
import ai.kimitornado.tasks.backend.opencl.OpenClDevice;
import ai.kimitornado.tasks.runtime.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * SPIR-V on OpenCL devices: {@code spirv:P:D} for every OpenCL device {@code opencl:P:D} that accepts
 * SPIR-V, natively (CL_DEVICE_IL_VERSION) or through the translator ({@code cl_khr_spir} + llvm-spirv-15).
 * Each spirv device owns its own OpenCL context (a separate {@link OpenClDevice}), so its buffers are
 * never confused with those of the {@code opencl:P:D} device. Found by DeviceRegistry by class name.
 */
public final class SpirvBackend implements Backend {
    private List<SpirvDevice> devices;
    private String unavailable;

    @Override
    public String name() {
        return "spirv";
    }

    @Override
    public synchronized List<SpirvDevice> devices() {
        if (devices == null) {
            discover();
        }
        return devices;
    }

    @Override
    public synchronized Optional<String> unavailableReason() {
        if (devices == null) {
            discover();
        }
        return Optional.ofNullable(unavailable);
    }

    private void discover() {
        OpenClBackend opencl = new OpenClBackend();
        List<SpirvDevice> found = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        if (opencl.unavailableReason().isPresent() && opencl.devices().isEmpty()) {
            unavailable = "no OpenCL: " + opencl.unavailableReason().get();
            devices = List.of();
            return;
        }
        boolean loaderHasIl = ClBinding.get().hasProgramWithIL();
        for (OpenClDevice device : opencl.devices()) {
            Optional<SpirvRoute> route = SpirvRoute.choose(device.info(), loaderHasIl);
            if (route.isPresent()) {
                found.add(new SpirvDevice(device, route.get()));
            } else {
                refused.add(SpirvRoute.whyNot(device.info(), loaderHasIl));
            }
        }
        if (found.isEmpty()) {
            unavailable = "no OpenCL device accepts SPIR-V: " + String.join("; ", refused);
        }
        devices = List.copyOf(found);
    }
}
