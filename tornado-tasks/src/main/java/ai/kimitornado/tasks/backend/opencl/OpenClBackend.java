package ai.kimitornado.tasks.backend.opencl;

import ai.kimitornado.tasks.runtime.Backend;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Every device of every OpenCL platform the ICD loader knows, as {@code opencl:P:D}. When
 * {@code libOpenCL.so.1} is missing (or no platform is installed) it lists nothing and says why.
 */
public final class OpenClBackend implements Backend {
    private List<OpenClDevice> devices;
    private String unavailable;

    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public synchronized List<OpenClDevice> devices() {
        if (devices == null) discover();
        return devices;
    }

    @Override
    public synchronized Optional<String> unavailableReason() {
        if (devices == null) discover();
        return Optional.ofNullable(unavailable);
    }

    private void discover() {
        List<OpenClDevice> found = new ArrayList<>();
        try {
            ClBinding cl = ClBinding.get();
            MemorySegment[] platforms = cl.platforms();
            if (platforms.length == 0) unavailable = "the OpenCL ICD loader lists no platform (no driver installed)";
            for (int p = 0; p < platforms.length; p++) {
                MemorySegment[] devs = cl.devices(platforms[p]);
                for (int d = 0; d < devs.length; d++) {
                    found.add(new OpenClDevice(cl, platforms[p], devs[d], "opencl:" + p + ":" + d));
                }
            }
        } catch (ClUnavailableException e) {
            unavailable = e.getMessage();
        } catch (ClException e) {
            unavailable = "OpenCL device discovery failed: " + e.getMessage();
        }
        devices = List.copyOf(found);
    }
}
