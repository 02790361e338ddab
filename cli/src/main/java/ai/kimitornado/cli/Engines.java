package ai.kimitornado.cli;

import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Maps a {@code --device} id to an {@link Engine}. */
final class Engines {
    private Engines() {}

    static final String REFERENCE = "reference";
    /** The best available device: the first CUDA GPU, else an OpenCL GPU, else any OpenCL device, else java. */
    static final String AUTO = "auto";

    static Engine open(String deviceId, Path modelDir, EngineOptions options) {
        if (REFERENCE.equals(deviceId)) {
            return new ReferenceEngine(modelDir, options);
        }
        Device device = AUTO.equals(deviceId) ? DeviceRegistry.get().defaultDevice() : DeviceRegistry.get().device(deviceId);
        return new TaskGraphEngine(device, modelDir, options);
    }

    /** {@code --random-weights}: the config's real shapes, weights generated on the device (not the reference). */
    static Engine openRandom(String deviceId, KimiLinearConfig config, long weightSeed, EngineOptions options) {
        if (REFERENCE.equals(deviceId)) {
            throw new IllegalArgumentException("--random-weights generates weights on a runtime device; --device reference"
                    + " needs a checkpoint (--model)");
        }
        Device device = AUTO.equals(deviceId) ? DeviceRegistry.get().defaultDevice() : DeviceRegistry.get().device(deviceId);
        return new TaskGraphEngine(device, config, weightSeed, options);
    }

    /** Device ids for {@code --devices all|ID,ID}; "all" is every runtime device. */
    static List<String> selectDevices(String spec) {
        if (spec.equals("all")) {
            List<String> ids = new ArrayList<>();
            for (Device d : DeviceRegistry.get().devices()) ids.add(d.id());
            return ids;
        }
        return Arrays.stream(spec.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
