package ai.kimitornado.cli;

import ai.kimitornado.model.graph.DeviceEngine;
import ai.kimitornado.model.graph.GraphExecutor;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;

/** The model {@code bench} runs: a checkpoint directory or a named config with random weights. */
record BenchModel(String source, KimiLinearConfig config, Path dir) {

    static BenchModel fromDir(Path dir) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("--model " + dir + ": no config.json there (expected a checkpoint directory)");
        }
        return new BenchModel("dir:" + dir, KimiLinearConfig.load(config), dir);
    }

    /** A fresh engine over this model on {@code executor}'s device. */
    DeviceEngine open(DeviceEngine.Options options, GraphExecutor executor) {
        return new DeviceEngine(config, SafeTensors.open(dir), options, executor);
    }
}
