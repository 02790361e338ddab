package ai.kimitornado.cli;

import ai.kimitornado.model.sampling.SamplingOptions;
import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.tokenizer.ChatMessage;
import ai.kimitornado.weights.tokenizer.KimiTokenizer;
import ai.kimitornado.weights.tokenizer.StreamingDecoder;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code generate --model DIR (--prompt TEXT | --prompt-ids 5,17,42) --max-tokens N --temperature 0 [--top-p P]
 * [--seed S] [--print-ids] --device reference}. Streams text as it is produced; greedy at temperature 0.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generate text. Without --model it runs the built-in demo model (random weights).")
final class GenerateCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (default: the built-in demo model).")
    Path model;

    @Option(names = "--random-weights", paramLabel = "CONFIG",
            description = "Instead of --model: a config.json path, or real48B for the bundled Kimi-Linear-48B-A3B config; the"
                    + " model runs in its real shapes with seeded random weights generated on the device (no checkpoint,"
                    + " no host copy of the weights).")
    String randomWeights;

    @Option(names = "--weights-seed", defaultValue = "1", paramLabel = "S", description = "Seed of --random-weights (default: ${DEFAULT-VALUE}).")
    long weightsSeed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--prefill-chunk", paramLabel = "N", description = "Tokens per prefill execution on a device"
            + " (default: the engine's; up to " + ai.kimitornado.model.graph.DeviceEngine.Options.MAX_PREFILL_CHUNK
            + "; larger chunks read each weight fewer times per prompt token).")
    Integer prefillChunk;

    @Option(names = "--warmup", description = "Run one prefill chunk and one decode step first (JIT compile, first-use"
            + " allocation), so the printed prefill/decode timings are steady state.")
    boolean warmup;

    @Option(names = "--tokenizer", paramLabel = "DIR",
            description = "Directory with tiktoken.model and tokenizer_config.json (default: the model directory).")
    Path tokenizerDir;

    static final class Prompt {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt text (needs tokenizer files).") String text;
        @Option(names = "--prompt-ids", paramLabel = "IDS", description = "Prompt as comma-separated token ids.") String ids;
        @Option(names = "--random-prompt", paramLabel = "N", description = "Prompt of N uniformly random token ids (seeded by --seed; for timing runs).") Integer randomCount;
    }

    @ArgGroup(exclusive = true)
    Prompt prompt;

    @Option(names = "--raw", description = "Encode --prompt as is; by default it is rendered with the chat template as a user turn.")
    boolean raw;

    @Option(names = "--system", paramLabel = "TEXT", description = "System prompt for chat mode (default: the template's).")
    String system;

    @Option(names = "--max-tokens", defaultValue = "32", paramLabel = "N", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--temperature", defaultValue = "0", paramLabel = "T", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "1", paramLabel = "P", description = "Nucleus size in (0,1] (default: ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ignore-eos", description = "Do not stop at end-of-sequence tokens.")
    boolean ignoreEos;

    @Option(names = "--print-ids", description = "Print prompt + generated ids as a JSON array on the last line of stdout.")
    boolean printIds;

    @Option(names = "--device", defaultValue = Engines.AUTO, paramLabel = "ID",
            description = "reference | java | opencl:P:D | cuda:N | spirv:P:D | auto (default: ${DEFAULT-VALUE}: the best GPU, else OpenCL, else java).")
    String device;

    @Option(names = "--max-context", defaultValue = "4096", paramLabel = "N", description = "Context a device engine allocates (default: ${DEFAULT-VALUE}).")
    int maxContext;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Cache directory (default: ~/.cache/kimi-tornado).")
    Path cacheDir;

    @Override
    public Integer call() throws Exception {
        if (maxTokens < 0) throw new IllegalArgumentException("--max-tokens must be >= 0, got " + maxTokens);
        SamplingOptions sampling = new SamplingOptions(temperature, topP, seed);
        if (randomWeights != null && model != null) {
            throw new IllegalArgumentException("give --model DIR or --random-weights CONFIG, not both");
        }
        Path modelDir = model;
        KimiLinearConfig config;
        KimiTokenizer tokenizer;
        if (randomWeights != null) {
            config = randomWeights.equals("real48B") ? KimiLinearConfig.real48B() : KimiLinearConfig.load(Path.of(randomWeights));
            boolean text = prompt != null && prompt.text != null;
            tokenizer = text || tokenizerDir != null
                    ? loadTokenizer(tokenizerDir != null ? tokenizerDir : DemoModel.bundledTokenizer(CacheDir.resolve(cacheDir)))
                    : null;
        } else {
            if (modelDir == null) {
                System.err.println(DemoModel.banner());
                modelDir = DemoModel.ensure(CacheDir.resolve(cacheDir));
            }
            config = KimiLinearConfig.load(modelDir.resolve("config.json"));
            tokenizer = loadTokenizer(modelDir);
        }

        int[] promptIds = promptIds(tokenizer, model == null && randomWeights == null, config.vocabSize());
        IdList.checkVocab(promptIds, config.vocabSize(), "prompt");
        Set<Integer> stops = stopIds(config, tokenizer);

        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        if (promptIds.length + maxTokens > maxContext) {
            throw new IllegalArgumentException("prompt (" + promptIds.length + ") + --max-tokens (" + maxTokens + ") exceeds --max-context " + maxContext);
        }
        EngineOptions engineOptions = new EngineOptions(sampling, maxContext, false);
        if (prefillChunk != null) {
            int max = ai.kimitornado.model.graph.DeviceEngine.Options.MAX_PREFILL_CHUNK;
            if (prefillChunk < 1 || prefillChunk > max) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--prefill-chunk must be in 1.." + max
                        + ", got " + prefillChunk);
            }
            engineOptions = engineOptions.withPrefillChunk(prefillChunk);
        }
        long tOpen = System.nanoTime();
        try (Engine engine = randomWeights != null
                ? Engines.openRandom(device, config, weightsSeed, engineOptions)
                : Engines.open(device, modelDir, engineOptions)) {
            if (randomWeights != null) {
                System.err.printf("generate: random weights (%s, seed %d) generated on the device, engine open %.1f ms%n",
                        randomWeights, weightsSeed, (System.nanoTime() - tOpen) / 1e6);
            }
            if (warmup && maxTokens > 0) {
                long tw = System.nanoTime();
                int first = engine.prefill(java.util.Arrays.copyOf(promptIds, Math.min(promptIds.length, 64)));
                engine.decode(first);
                System.err.printf("generate: warm-up (one prefill chunk + one decode step, compiles) %.1f ms%n",
                        (System.nanoTime() - tw) / 1e6);
            }
            System.err.println("generate: " + promptIds.length + " prompt tokens, up to " + maxTokens + " new, "
                    + (sampling.isGreedy() ? "greedy" : "temperature " + temperature + " top-p " + topP + " seed " + seed)
                    + ", on " + engine.describe());
            StreamingDecoder text = tokenizer != null ? tokenizer.streamingDecoder() : null;
            List<Integer> all = new ArrayList<>();
            for (int id : promptIds) all.add(id);
            long t0 = System.nanoTime();
            int next = maxTokens > 0 ? engine.prefill(promptIds) : -1;
            long tPrefill = System.nanoTime();
            long tFirstDecode = 0;
            int generated = 0;
            while (generated < maxTokens) {
                all.add(next);
                generated++;
                boolean stop = !ignoreEos && stops.contains(next);
                if (text != null && !(stop && tokenizer.isSpecial(next))) {
                    out.print(text.feed(next));
                } else if (text == null) {
                    out.print((generated > 1 ? " " : "") + next);
                }
                if (stop || generated == maxTokens) break;
                next = engine.decode(next);
                if (tFirstDecode == 0) tFirstDecode = System.nanoTime();
            }
            if (text != null) out.print(text.flush());
            out.println();
            long tEnd = System.nanoTime();
            if (generated > 0) {
                System.err.printf("generate: prefill %.1f ms (%d tokens), %d tokens in %.1f ms (%.2f tok/s decode)%n",
                        (tPrefill - t0) / 1e6, promptIds.length, generated, (tEnd - tPrefill) / 1e6,
                        generated > 1 ? (generated - 1) / ((tEnd - tPrefill) / 1e9) : 0.0);
            }
            if (generated > 2) {
                System.err.printf("generate: prefill %.1f tok/s; decode after the first step %.2f ms/token (%.2f tok/s)%n",
                        promptIds.length / ((tPrefill - t0) / 1e9), (tEnd - tFirstDecode) / 1e6 / (generated - 2),
                        (generated - 2) / ((tEnd - tFirstDecode) / 1e9));
            }
            if (printIds) out.println(IdList.json(all.stream().mapToInt(Integer::intValue).toArray()));
        }
        return 0;
    }

    private KimiTokenizer loadTokenizer(Path modelDir) throws Exception {
        Path dir = tokenizerDir != null ? tokenizerDir : modelDir;
        boolean present = Files.isRegularFile(dir.resolve(KimiTokenizer.VOCAB_FILE))
                && Files.isRegularFile(dir.resolve(KimiTokenizer.CONFIG_FILE));
        if (!present) {
            if (tokenizerDir != null) {
                throw new IllegalArgumentException("--tokenizer " + dir + " lacks " + KimiTokenizer.VOCAB_FILE + " or " + KimiTokenizer.CONFIG_FILE);
            }
            return null; // ids in, ids out
        }
        return KimiTokenizer.load(dir);
    }

    private int[] promptIds(KimiTokenizer tokenizer, boolean demo, int vocab) {
        if (prompt != null && prompt.ids != null) return IdList.parse(prompt.ids, "--prompt-ids");
        if (prompt != null && prompt.randomCount != null) {
            if (prompt.randomCount <= 0) throw new IllegalArgumentException("--random-prompt must be positive, got " + prompt.randomCount);
            return new java.util.SplittableRandom(seed).ints(prompt.randomCount, 0, vocab).toArray();
        }
        String text = prompt != null && prompt.text != null ? prompt.text
                : demo ? "Write a haiku about GPUs." : null;
        if (text == null) throw new IllegalArgumentException("give --prompt TEXT, --prompt-ids IDS or --random-prompt N");
        if (tokenizer == null) {
            throw new IllegalArgumentException("--prompt needs tokenizer files (tiktoken.model, tokenizer_config.json) in the model directory or --tokenizer DIR");
        }
        if (raw) return tokenizer.encode(text);
        List<ChatMessage> messages = new ArrayList<>();
        if (system != null) messages.add(ChatMessage.system(system));
        messages.add(ChatMessage.user(text));
        return tokenizer.encode(tokenizer.renderChat(messages, true));
    }

    /** {@code <|im_end|>}, {@code [EOS]} and the config's eos ids (KIMI_LINEAR.md §5.10: stop on both). */
    private static Set<Integer> stopIds(KimiLinearConfig config, KimiTokenizer tokenizer) {
        Set<Integer> stops = new LinkedHashSet<>(config.eosTokenIds());
        if (tokenizer != null) {
            tokenizer.specialTokenId("<|im_end|>").ifPresent(stops::add);
            tokenizer.specialTokenId("[EOS]").ifPresent(stops::add);
        }
        return stops;
    }
}
