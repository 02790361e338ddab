package ai.kimitornado.cli;

import ai.kimitornado.model.reference.ReferenceModel;
import ai.kimitornado.model.reference.ReferenceSession;
import ai.kimitornado.model.sampling.Sampler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The plain-Java reference forward ({@code --device reference}): the oracle every device is checked against. */
final class ReferenceEngine implements Engine {
    /** Checkpoints below this size are widened to float once (fast); larger ones stay memory-mapped views. */
    private static final long WIDEN_LIMIT_BYTES = 2L << 30;

    private final ReferenceModel model;
    private final boolean mapped;
    private final Sampler sampler;
    private ReferenceSession session;
    private float[] lastLogits;

    ReferenceEngine(Path modelDir, EngineOptions options) {
        this.mapped = checkpointBytes(modelDir) > WIDEN_LIMIT_BYTES;
        this.model = mapped ? ReferenceModel.open(modelDir) : ReferenceModel.load(modelDir);
        this.sampler = Sampler.create(options.sampling());
    }

    @Override
    public String describe() {
        return "device reference (plain-Java reference forward, float64 accumulation"
                + (mapped ? ", weights memory-mapped)" : ", weights widened to float)");
    }

    @Override
    public String backend() {
        return "plain Java";
    }

    @Override
    public int vocabSize() {
        return model.config().vocabSize();
    }

    @Override
    public float[][] forwardAll(int[] ids) {
        return model.forward(ids);
    }

    @Override
    public float[][][] hiddenStates(int[] ids) {
        ReferenceModel.ForwardResult r = model.forwardWithHiddenStates(ids);
        float[][][] h = r.hiddenStates();
        // the last slot after the final norm, as transformers (and the device engine) report it
        float[][] last = h[h.length - 1];
        for (int t = 0; t < last.length; t++) last[t] = model.finalNorm(last[t]);
        return h;
    }

    @Override
    public int prefill(int[] ids) {
        session = model.newSession();
        lastLogits = session.prefill(ids);
        return sampler.sample(lastLogits);
    }

    @Override
    public int decode(int id) {
        if (session == null) throw new IllegalStateException("decode before prefill");
        lastLogits = session.decode(id);
        return sampler.sample(lastLogits);
    }

    @Override
    public float[] lastLogits() {
        return lastLogits.clone();
    }

    @Override
    public void close() {
        model.close();
    }

    private static long checkpointBytes(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            long total = 0;
            for (Path p : s.filter(f -> f.getFileName().toString().endsWith(".safetensors")).toList()) {
                total += Files.size(p);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the checkpoint directory " + dir + ": " + e.getMessage(), e);
        }
    }
}
