package ai.kimitornado.cli;

import java.nio.file.Path;

/** Maps a {@code --device} id to an {@link Engine}. */
final class Engines {
    private Engines() {}

    static final String REFERENCE = "reference";

    /** Device ids for {@code --devices all|ID,ID}; "all" is every device that can run the task graphs. */
    static java.util.List<String> selectDevices(String spec) {
        if (spec.equals("all")) {
            return java.util.List.of(); // task-graph devices are added here as the model lands on the runtime
        }
        return java.util.Arrays.stream(spec.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    static Engine open(String device, Path modelDir) {
        if (REFERENCE.equals(device)) {
            return new ReferenceEngine(modelDir);
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; available: " + REFERENCE
                + " (task-graph devices java, opencl:P:D, cuda:N, spirv:P:D are listed by `kimi-tornado devices`)");
    }
}
