package ai.kimitornado.cli;

import ai.kimitornado.model.graph.DeviceEngine;
import ai.kimitornado.model.graph.GraphExecutor;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model {@code bench} runs: a checkpoint directory (weights uploaded from the host) or a config with seeded random
 * weights generated on the device ({@link DeviceEngine#openRandom}).
 *
 * @param dir  checkpoint directory, or null for random weights
 * @param seed random-weight seed (random weights only)
 */
record BenchModel(String source, KimiLinearConfig config, Path dir, long seed) {

    /** Names {@code --random-weights} accepts besides a config.json path. */
    static final String NAMES = "real48B (Kimi-Linear-48B-A3B shapes), tinyDemo, or a config.json path";

    static BenchModel fromDir(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--model " + dir + ": no config.json there (expected a checkpoint directory)");
        }
        return new BenchModel("dir:" + dir, KimiLinearConfig.load(config), dir, 0);
    }

    static BenchModel random(String name, long seed) {
        KimiLinearConfig config = switch (name) {
            case "real48B" -> KimiLinearConfig.real48B();
            case "tinyDemo" -> KimiLinearConfig.tinyDemo();
            default -> {
                Path p = Path.of(name);
                if (!Files.isRegularFile(p)) {
                    throw new IllegalArgumentException("--random-weights '" + name + "': expected " + NAMES);
                }
                yield KimiLinearConfig.load(p);
            }
        };
        return new BenchModel("random:" + name + " (seed " + seed + ")", config, null, seed);
    }

    boolean randomWeights() {
        return dir == null;
    }

    /** How the weights reach the device, for the JSON. */
    String weightLoad() {
        return randomWeights() ? "generated on the device (buffer allocation when the plan binds arguments + random-fill init graph)"
                : "host upload (buffer allocation when the plan binds arguments + FIRST_EXECUTION copy-in of the first execute)";
    }

    /** A fresh engine over this model on {@code executor}'s device. */
    DeviceEngine open(DeviceEngine.Options options, GraphExecutor executor) {
        return randomWeights() ? DeviceEngine.openRandom(config, seed, options, executor)
                : new DeviceEngine(config, SafeTensors.open(dir), options, executor);
    }
}
