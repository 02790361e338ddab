package ai.kimitornado.model.graph;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import java.nio.file.Files;
import java.nio.file.Path;

/** fixtures/tiny-a: the checkpoint and the transformers reference outputs. */
final class TinyAFixture implements AutoCloseable {
    final Path dir;
    final KimiLinearConfig config;
    final SafeTensors model;
    final SafeTensors reference;

    TinyAFixture() {
        dir = locate();
        config = KimiLinearConfig.load(dir.resolve("config.json"));
        model = SafeTensors.open(dir.resolve("model.safetensors"));
        reference = SafeTensors.open(dir.resolve("reference.safetensors"));
    }

    int[] ids(String name) {
        return reference.tensor(name).toIntArray();
    }

    /** [rows][cols] from a 2-D reference tensor. */
    float[][] rows(String name) {
        var view = reference.tensor(name);
        float[] flat = view.toFloatArray();
        int cols = (int) view.dim(view.rank() - 1);
        float[][] out = new float[flat.length / cols][cols];
        for (int r = 0; r < out.length; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    static Path locate() {
        String shared = System.getProperty("kimi.shared");
        Path[] candidates = shared != null
                ? new Path[] {Path.of(shared)}
                : new Path[] {Path.of("..", "shared"), Path.of("..", "..", "shared")};
        for (Path candidate : candidates) {
            Path dir = candidate.resolve("fixtures").resolve("tiny-a");
            if (Files.isDirectory(dir)) {
                return dir.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("fixtures/tiny-a not found under kimi.shared=" + shared + " or ../shared");
    }

    /** max |expected − actual| / max |expected| over the row (NaN → infinity). */
    static double relativeRowError(float[] expected, float[] actual) {
        double maxAbs = 0;
        double maxErr = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            double err = Math.abs(expected[i] - actual[i]);
            if (Double.isNaN(err)) {
                return Double.POSITIVE_INFINITY;
            }
            maxErr = Math.max(maxErr, err);
        }
        return maxErr / maxAbs;
    }

    @Override
    public void close() {
        model.close();
        reference.close();
    }
}
