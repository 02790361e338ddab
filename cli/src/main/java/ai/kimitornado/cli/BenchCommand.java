package ai.kimitornado.cli;

import ai.kimitornado.model.graph.DeviceEngine;
import ai.kimitornado.tasks.runtime.DeviceRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench (--model DIR | --random-weights CONFIG) [--devices all|ID,ID] [--prompt-lens 512,4096] [--gen-len 128]
 * [--repeat N] [--json F] [--chart F.png]}: the same model and kernels on several devices, side by side.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Compare devices: prefill, TTFT, decode TPOT vs the weight-bandwidth floor, JIT, upload, kernel classes.")
final class BenchCommand implements Callable<Integer> {

    static final String SCHEMA = "kimi-tornado-bench/1";

    static final class Source {
        @Option(names = "--model", paramLabel = "DIR", description = "Checkpoint directory (config.json + safetensors).")
        Path model;

        @Option(names = "--random-weights", paramLabel = "CONFIG",
                description = "Real shapes, seeded random weights generated on the device: " + BenchModel.NAMES + ".")
        String randomWeights;

        @Option(names = "--from-json", paramLabel = "F.json",
                description = "Re-print the table and draw --chart from the JSON of an earlier run (no model, no device), "
                        + "e.g. for a run on a machine whose Java has no java.desktop.")
        Path fromJson;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--devices", defaultValue = "all", paramLabel = "all|ID,ID",
            description = "Runtime devices (java, opencl:P:D, cuda:N, spirv:P:D) or all (default: ${DEFAULT-VALUE}).")
    String devices;

    @Option(names = "--prompt-lens", defaultValue = "512,4096", paramLabel = "N,N",
            description = "Prompt lengths in tokens (default: ${DEFAULT-VALUE}).")
    String promptLens;

    @Option(names = "--gen-len", defaultValue = "128", paramLabel = "N",
            description = "Decode steps per prompt; the first " + DeviceBench.DECODE_WARMUP + " is warm-up (default: ${DEFAULT-VALUE}).")
    int genLen;

    @Option(names = "--repeat", defaultValue = "3", paramLabel = "N", description = "Rounds per prompt length (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--prefill-chunk", defaultValue = "1024", paramLabel = "N",
            description = "Tokens per prefill execution, 1..1024 (default: ${DEFAULT-VALUE}); larger chunks read each"
                    + " projection's weights once per more tokens and need more device memory for activations.")
    int prefillChunk;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S", description = "Seed of the random prompts and random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--copy-mib", defaultValue = "0", paramLabel = "MiB",
            description = "Buffer size of the bandwidth copy kernel (default: 256 on GPUs, 64 elsewhere).")
    int copyMib;

    @Option(names = "--no-cuda-graph", description = "On cuda devices launch every kernel instead of replaying captured CUDA graphs.")
    boolean noCudaGraph;

    @Option(names = "--no-cold-jit", description = "Open the engine once (saves one weight upload on big models): over an empty"
            + " cache that open is the cold JIT time and the cached time is n/a; over a --jit-cache DIR an earlier run filled, it is"
            + " the cached time (first open of the process) and the cold time is n/a.")
    boolean noColdJit;

    @Option(names = "--jit-cache", paramLabel = "DIR", description = "Kernel cache directory to use and keep (default: a temporary"
            + " one). Over a directory an earlier run filled, the first open is the fresh-process 'JIT from the disk cache' figure.")
    Path jitCache;

    @Option(names = "--label", paramLabel = "TEXT", description = "Free text stored in the JSON and chart title (machine, load).")
    String label;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results as JSON (schema: bench/README.md).")
    Path json;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Write a PNG bar chart comparing the devices.")
    Path chart;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (source.fromJson != null) {
            return fromJson(source.fromJson);
        }
        List<Integer> lens = parseLengths();
        validate();
        BenchModel model;
        try {
            model = source.model != null ? BenchModel.fromDir(source.model) : BenchModel.random(source.randomWeights, seed);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
        List<String> ids = Engines.selectDevices(devices);
        if (ids.isEmpty()) throw bad("--devices: no device given");
        if (ids.contains(Engines.REFERENCE) || ids.contains(Engines.AUTO)) {
            throw bad("--devices: '" + Engines.REFERENCE + "' and '" + Engines.AUTO + "' are not runtime devices; use ids from `kimi-tornado devices`");
        }
        for (String id : ids) {
            try {
                DeviceRegistry.get().device(id);
            } catch (RuntimeException e) {
                throw bad("--devices: " + e.getMessage());
            }
        }
        DecodeTraffic traffic = DecodeTraffic.of(model.config());
        PrintStream out = System.out;
        out.printf("bench %s on %s: prompts %s, %d decode steps, %d repeats, seed %d%n",
                model.source(), ids, lens, genLen, repeat, seed);
        DeviceBench bench = new DeviceBench(model, traffic,
                new DeviceBench.Settings(lens, genLen, repeat, prefillChunk, seed, !noColdJit, (long) copyMib << 20, !noCudaGraph, jitCache), out);
        List<BenchResults.Device> results = new ArrayList<>();
        for (String id : ids) {
            out.println("device " + id + " ...");
            results.add(bench.run(id));
        }
        var c = model.config();
        BenchResults.Run run = new BenchResults.Run(SCHEMA, Instant.now().toString(), label,
                new BenchResults.Host(System.getProperty("os.name"), System.getProperty("os.arch"),
                        Runtime.getRuntime().availableProcessors(), Runtime.version().toString()),
                new BenchResults.ModelInfo(model.source(), c.numHiddenLayers(), c.hiddenSize(), c.vocabSize(), c.numExperts(),
                        c.numExpertsPerToken(), traffic.allWeightBytes(), traffic.weightBytes()),
                new BenchResults.Settings(lens, genLen, repeat, prefillChunk, DeviceBench.DECODE_WARMUP, seed, !noColdJit), results);
        BenchTable.print(run, out);
        if (json != null) {
            createParent(json);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), run);
            out.println("wrote " + json);
        }
        if (chart != null) {
            createParent(chart);
            BenchChart.write(run, chart);
            out.println("wrote " + chart);
        }
        return 0;
    }

    private int fromJson(Path file) throws Exception {
        BenchResults.Run run;
        try {
            run = new ObjectMapper().disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(file.toFile(), BenchResults.Run.class);
        } catch (java.io.IOException e) {
            throw bad("--from-json " + file + ": not a bench result (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (!SCHEMA.equals(run.schema())) {
            throw bad("--from-json " + file + ": schema '" + run.schema() + "', expected '" + SCHEMA + "'");
        }
        BenchTable.print(run, System.out);
        if (chart != null) {
            createParent(chart);
            BenchChart.write(run, chart);
            System.out.println("wrote " + chart);
        }
        return 0;
    }

    private List<Integer> parseLengths() {
        List<Integer> lens = new ArrayList<>();
        for (String part : promptLens.split(",")) {
            String p = part.strip();
            try {
                int n = Integer.parseInt(p);
                if (n <= 0) throw bad("--prompt-lens: " + n + " is not a positive token count");
                lens.add(n);
            } catch (NumberFormatException e) {
                throw bad("--prompt-lens: '" + p + "' is not an integer (expected e.g. 512,4096)");
            }
        }
        if (lens.stream().distinct().count() != lens.size()) throw bad("--prompt-lens: lengths repeat in " + promptLens);
        return lens;
    }

    private void validate() {
        if (genLen < DeviceBench.DECODE_WARMUP + 1) {
            throw bad("--gen-len must be at least " + (DeviceBench.DECODE_WARMUP + 1) + " (one warm-up step plus one timed step), got " + genLen);
        }
        int maxChunk = DeviceEngine.Options.MAX_PREFILL_CHUNK;
        if (prefillChunk < 1 || prefillChunk > maxChunk) throw bad("--prefill-chunk must be in 1.." + maxChunk + ", got " + prefillChunk);
        if (repeat < 1) throw bad("--repeat must be at least 1, got " + repeat);
        if (copyMib < 0) throw bad("--copy-mib must be positive, got " + copyMib);
        if (chart != null && !chart.getFileName().toString().toLowerCase().endsWith(".png")) {
            throw bad("--chart: " + chart + " must end in .png (the chart is written as PNG)");
        }
    }

    private CommandLine.ParameterException bad(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void createParent(Path file) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
    }
}
