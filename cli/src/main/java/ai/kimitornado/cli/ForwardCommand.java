package ai.kimitornado.cli;

import ai.kimitornado.weights.safetensors.SafeTensorsWriter;
import ai.kimitornado.weights.safetensors.TensorData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code forward --model DIR --ids 5,17,42 --device reference --logits-out F.safetensors}. */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "One full forward over the given ids; writes tensor `logits` [T, vocab] float32 to a safetensors file.")
final class ForwardCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint directory (config.json + safetensors).")
    Path model;

    @Option(names = "--ids", required = true, paramLabel = "IDS", description = "Comma-separated token ids, e.g. 5,17,42.")
    String ids;

    @Option(names = "--device", defaultValue = Engines.AUTO, paramLabel = "ID",
            description = "reference | java | opencl:P:D | cuda:N | spirv:P:D | auto (default: ${DEFAULT-VALUE}: the best GPU, else OpenCL, else java).")
    String device;

    @Option(names = "--logits-out", required = true, paramLabel = "F", description = "Output .safetensors file.")
    Path logitsOut;

    @Override
    public Integer call() {
        int[] tokens = IdList.parse(ids, "--ids");
        try (Engine engine = Engines.open(device, model, EngineOptions.greedy().withAllLogits(true))) {
            IdList.checkVocab(tokens, engine.vocabSize(), "--ids");
            System.err.println("forward: " + tokens.length + " tokens on " + engine.describe());
            float[][] logits = engine.forwardAll(tokens);
            int vocab = engine.vocabSize();
            float[] flat = new float[tokens.length * vocab];
            for (int t = 0; t < tokens.length; t++) {
                System.arraycopy(logits[t], 0, flat, t * vocab, vocab);
            }
            SafeTensorsWriter.write(logitsOut,
                    List.of(TensorData.f32("logits", new long[] {tokens.length, vocab}, flat),
                            TensorData.i32("ids", new long[] {tokens.length}, tokens)),
                    Map.of("producer", "kimi-tornado forward", "device", device));
            System.err.println("forward: wrote logits [" + tokens.length + ", " + vocab + "] to " + logitsOut);
        }
        return 0;
    }
}
