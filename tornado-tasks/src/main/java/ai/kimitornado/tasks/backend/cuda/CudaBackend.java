package ai.kimitornado.tasks.backend.cuda;

import ai.kimitornado.tasks.runtime.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code cuda} backend for the runtime's device registry: one {@link CudaComputeDevice} per GPU the
 * driver lists. Construction is cheap and never fails; contexts are created on a device's first use.
 */
public final class CudaBackend implements Backend {
    private List<CudaComputeDevice> devices;

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public synchronized List<CudaComputeDevice> devices() {
        if (devices == null) {
            List<CudaComputeDevice> found = new ArrayList<>();
            for (CudaDeviceInfo info : CudaPlatform.get().devices()) {
                found.add(new CudaComputeDevice(info));
            }
            devices = List.copyOf(found);
        }
        return devices;
    }

    @Override
    public Optional<String> unavailableReason() {
        return CudaPlatform.get().unavailableReason();
    }
}
