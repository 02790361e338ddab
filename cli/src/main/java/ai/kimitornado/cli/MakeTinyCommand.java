package ai.kimitornado.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code make-tiny --out DIR [--seed S]}: a tiny random checkpoint in the published layout. */
@Command(name = "make-tiny", mixinStandardHelpOptions = true,
        description = "Write a tiny Kimi Linear checkpoint with seeded random weights (published layout) plus the real tokenizer files.")
final class MakeTinyCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created; must be empty if it exists).")
    Path out;

    @Option(names = "--seed", defaultValue = "" + DemoModel.DEMO_SEED, paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (Files.isDirectory(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    System.err.println("make-tiny: " + out + " exists and is not empty; refusing to overwrite");
                    return 2;
                }
            }
        }
        DemoModel.writeTo(out, seed);
        System.out.println("wrote a tiny random Kimi Linear checkpoint (seed " + seed + ") to " + out
                + " — config.json, model.safetensors, tiktoken.model, tokenizer_config.json");
        return 0;
    }
}
