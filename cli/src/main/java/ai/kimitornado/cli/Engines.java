package ai.kimitornado.cli;

import java.nio.file.Path;

/** Maps a {@code --device} id to an {@link Engine}. */
final class Engines {
    private Engines() {}

    static final String REFERENCE = "reference";

    static Engine open(String device, Path modelDir) {
        if (REFERENCE.equals(device)) {
            return new ReferenceEngine(modelDir);
        }
        throw new IllegalArgumentException("unknown device '" + device + "'; available: " + REFERENCE
                + " (task-graph devices java, opencl:P:D, cuda:N, spirv:P:D are listed by `kimi-tornado devices`)");
    }
}
