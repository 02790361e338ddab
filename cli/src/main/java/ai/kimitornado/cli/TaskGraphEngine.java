package ai.kimitornado.cli;

import ai.kimitornado.model.graph.DeviceEngine;
import ai.kimitornado.model.graph.SamplingSpec;
import ai.kimitornado.model.sampling.SamplingOptions;
import ai.kimitornado.tasks.runtime.Device;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.nio.file.Path;

/** The model's task graphs on a runtime device, JIT-compiled for it; samples on the device. */
final class TaskGraphEngine implements Engine {
    private final DeviceEngine engine;
    private final Device device;
    private final int vocab;

    TaskGraphEngine(Device device, Path modelDir, EngineOptions options) {
        this.device = device;
        this.engine = DeviceEngine.open(modelDir, deviceOptions(device, options));
        this.vocab = ai.kimitornado.weights.config.KimiLinearConfig.load(modelDir.resolve("config.json")).vocabSize();
    }

    /** {@code config} in its real shapes with random weights generated on the device ({@code --random-weights}). */
    TaskGraphEngine(Device device, KimiLinearConfig config, long weightSeed, EngineOptions options) {
        this.device = device;
        this.engine = DeviceEngine.openRandom(config, weightSeed, deviceOptions(device, options));
        this.vocab = config.vocabSize();
    }

    private static DeviceEngine.Options deviceOptions(Device device, EngineOptions options) {
        SamplingOptions s = options.sampling();
        DeviceEngine.Options base = DeviceEngine.Options.defaults(device.id());
        return (options.prefillChunk() > 0 ? base.withPrefillChunk(options.prefillChunk()) : base)
                .withMaxContext(options.maxContext())
                .withCaptureHidden(options.captureHidden())
                .withAllLogits(options.allLogits())
                .withSampling(s.isGreedy() ? SamplingSpec.GREEDY
                        : new SamplingSpec((float) s.temperature(), (float) s.topP(), (int) s.seed()));
    }

    @Override
    public String describe() {
        return "device " + device.id() + " (" + device.info().name() + ", task graphs JIT-compiled for "
                + device.info().backend() + ")";
    }

    @Override
    public String backend() {
        return device.info().backend();
    }

    @Override
    public int vocabSize() {
        return vocab;
    }

    @Override
    public float[][] forwardAll(int[] ids) {
        engine.reset();
        return engine.prefillLogits(ids);
    }

    @Override
    public float[][][] hiddenStates(int[] ids) {
        engine.reset();
        engine.prefill(ids);
        return engine.hiddenStates();
    }

    @Override
    public int prefill(int[] ids) {
        engine.reset();
        return engine.prefill(ids);
    }

    @Override
    public int decode(int id) {
        return engine.decode(id);
    }

    @Override
    public float[] lastLogits() {
        return engine.logits();
    }

    @Override
    public void close() {
        engine.close();
    }
}
