package ai.kimitornado.cli;

import ai.kimitornado.weights.config.KimiLinearConfig;
import ai.kimitornado.weights.safetensors.SafeTensors;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify --model DIR [--devices all|ID,ID] [--reference F.safetensors] [--layers] [--json F]}: the
 * hardware-portability test. The same prompts run through every selected device and through the reference
 * forward; a table shows the logit errors and whether greedy decoding agrees. Exit status 1 on any failure.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Run the same prompts on every selected device and on the reference forward; compare logits and greedy ids.")
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, paramLabel = "DIR") Path model;

    @Option(names = "--devices", defaultValue = "all", paramLabel = "all|ID,ID",
            description = "Devices to check (default: every device that can run the model).")
    String devices;

    @Option(names = "--reference", paramLabel = "F.safetensors",
            description = "Expected outputs in the format of fixtures/tiny-a/reference.safetensors (prompt.N.ids/logits, generate.ids).")
    Path referenceFile;

    @Option(names = "--layers", description = "Also compare the hidden state after every layer.") boolean layers;

    @Option(names = "--tolerance", defaultValue = "1e-4", paramLabel = "R",
            description = "Pass when max |Δlogit| <= R × max |logit| of the row (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--greedy-tokens", defaultValue = "16", paramLabel = "N",
            description = "Greedy tokens decoded per device when no --reference gives generate.ids (default: ${DEFAULT-VALUE}).")
    int greedyTokens;

    @Option(names = "--json", paramLabel = "F", description = "Also write the table as JSON.") Path json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--prefill-chunk", paramLabel = "N", description = "Tokens per prefill execution on the devices"
            + " (default: the engine's; larger chunks take the GPU prefill paths: grouped MoE, tiled MLA).")
    Integer prefillChunk;

    record Prompt(String name, int[] ids, float[][] expectedLogits) {}

    record Row(String device, String backend, String against, double maxAbs, double maxRel, boolean greedySame,
               List<Double> layerRel, boolean pass, String error) {}

    @Override
    public Integer call() throws Exception {
        KimiLinearConfig config = KimiLinearConfig.load(model.resolve("config.json"));
        List<Prompt> prompts = new ArrayList<>();
        int[] greedyPrompt;
        int[] expectedGreedy = null;
        if (referenceFile != null) {
            try (SafeTensors ref = SafeTensors.open(referenceFile)) {
                for (int n = 0; ref.contains("prompt." + n + ".ids"); n++) {
                    int[] ids = ref.tensor("prompt." + n + ".ids").toIntArray();
                    float[] flat = ref.tensor("prompt." + n + ".logits").toFloatArray();
                    float[][] rows = new float[ids.length][config.vocabSize()];
                    for (int t = 0; t < ids.length; t++) System.arraycopy(flat, t * config.vocabSize(), rows[t], 0, config.vocabSize());
                    prompts.add(new Prompt("prompt." + n, ids, rows));
                }
                if (ref.contains("generate.ids")) expectedGreedy = ref.tensor("generate.ids").toIntArray();
            }
            if (prompts.isEmpty()) throw new IllegalArgumentException(referenceFile + " has no prompt.0.ids");
        } else {
            SplittableRandom rnd = new SplittableRandom(1234);
            for (int len : new int[] {1, 7, 64, 65}) {
                int[] ids = new int[len];
                for (int i = 0; i < len; i++) ids[i] = rnd.nextInt(Math.min(config.vocabSize(), 163584));
                prompts.add(new Prompt("random." + len, ids, null));
            }
        }
        greedyPrompt = expectedGreedy != null ? prompts.get(Math.min(3, prompts.size() - 1)).ids() : prompts.get(prompts.size() - 1).ids();
        int greedyCount = expectedGreedy != null ? expectedGreedy.length - greedyPrompt.length : greedyTokens;

        // The reference forward is computed once; every device is compared with it (and with the file, if given).
        List<float[][]> refLogits = new ArrayList<>();
        List<float[][][]> refHidden = new ArrayList<>();
        int[] refGreedy;
        EngineOptions opts = EngineOptions.greedy().withAllLogits(true).withCaptureHidden(layers).withMaxContext(maxContextFor(prompts, greedyPrompt.length + greedyCount));
        if (prefillChunk != null) {
            int max = ai.kimitornado.model.graph.DeviceEngine.Options.MAX_PREFILL_CHUNK;
            if (prefillChunk < 1 || prefillChunk > max) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--prefill-chunk must be in 1.." + max + ", got " + prefillChunk);
            }
            opts = opts.withPrefillChunk(prefillChunk);
        }
        try (Engine reference = Engines.open(Engines.REFERENCE, model, opts)) {
            for (Prompt p : prompts) {
                refLogits.add(reference.forwardAll(p.ids()));
                refHidden.add(layers ? reference.hiddenStates(p.ids()) : null);
            }
            refGreedy = greedy(reference, greedyPrompt, greedyCount);
        }
        List<Row> rows = new ArrayList<>();
        if (referenceFile != null) {
            rows.add(compare("reference", "plain Java", "file", prompts, refLogits, null, null, refGreedy, expectedGreedy, null));
        }
        for (String device : Engines.selectDevices(devices)) {
            try (Engine engine = Engines.open(device, model, opts)) {
                List<float[][]> logits = new ArrayList<>();
                List<float[][][]> hidden = new ArrayList<>();
                for (Prompt p : prompts) {
                    logits.add(engine.forwardAll(p.ids()));
                    hidden.add(layers ? engine.hiddenStates(p.ids()) : null);
                }
                int[] got = greedy(engine, greedyPrompt, greedyCount);
                rows.add(compare(device, engine.backend(), "reference", prompts, logits, refLogits, hidden, got, refGreedy, refHidden));
                if (referenceFile != null) {
                    rows.add(compare(device, engine.backend(), "file", prompts, logits, null, null, got, expectedGreedy, null));
                }
            } catch (RuntimeException e) {
                rows.add(new Row(device, "?", "-", Double.NaN, Double.NaN, false, List.of(), false, e.toString()));
            }
        }
        print(rows);
        if (json != null) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", model.toString());
            doc.put("tolerance", tolerance);
            doc.put("prompts", prompts.stream().map(p -> Map.of("name", p.name(), "length", p.ids().length)).toList());
            doc.put("rows", rows);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
        }
        return rows.stream().allMatch(Row::pass) ? 0 : 1;
    }

    private Row compare(String device, String backend, String against, List<Prompt> prompts, List<float[][]> got,
                        List<float[][]> expectedOrNull, List<float[][][]> hidden, int[] greedyGot, int[] greedyExpected,
                        List<float[][][]> refHidden) {
        double maxAbs = 0, maxRel = 0;
        for (int p = 0; p < prompts.size(); p++) {
            float[][] exp = expectedOrNull != null ? expectedOrNull.get(p) : prompts.get(p).expectedLogits();
            float[][] act = got.get(p);
            for (int t = 0; t < exp.length; t++) {
                double rowMax = 0, err = 0;
                for (int v = 0; v < exp[t].length; v++) {
                    rowMax = Math.max(rowMax, Math.abs(exp[t][v]));
                    double d = Math.abs((double) exp[t][v] - act[t][v]);
                    err = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(err, d);
                }
                maxAbs = Math.max(maxAbs, err);
                maxRel = Math.max(maxRel, rowMax == 0 ? err : err / rowMax);
            }
        }
        List<Double> layerRel = new ArrayList<>();
        if (hidden != null && refHidden != null && refHidden.get(0) != null) {
            for (int l = 0; l < refHidden.get(0).length; l++) {
                double worst = 0;
                for (int p = 0; p < prompts.size(); p++) {
                    float[][] e = refHidden.get(p)[l], a = hidden.get(p)[l];
                    for (int t = 0; t < e.length; t++) {
                        double rowMax = 0, err = 0;
                        for (int d = 0; d < e[t].length; d++) {
                            rowMax = Math.max(rowMax, Math.abs(e[t][d]));
                            err = Math.max(err, Math.abs((double) e[t][d] - a[t][d]));
                        }
                        worst = Math.max(worst, rowMax == 0 ? err : err / rowMax);
                    }
                }
                layerRel.add(worst);
            }
        }
        boolean greedySame = greedyExpected == null || java.util.Arrays.equals(greedyGot, greedyExpected);
        boolean pass = maxRel <= tolerance && greedySame;
        return new Row(device, backend, against, maxAbs, maxRel, greedySame, layerRel, pass, null);
    }

    private static int[] greedy(Engine engine, int[] prompt, int count) {
        int[] out = java.util.Arrays.copyOf(prompt, prompt.length + count);
        if (count == 0) return out;
        int next = engine.prefill(prompt);
        for (int i = 0; i < count; i++) {
            out[prompt.length + i] = next;
            if (i + 1 < count) next = engine.decode(next);
        }
        return out;
    }

    private static int maxContextFor(List<Prompt> prompts, int greedyLength) {
        int longest = greedyLength;
        for (Prompt p : prompts) longest = Math.max(longest, p.ids().length);
        return Math.max(64, longest);
    }

    private void print(List<Row> rows) {
        System.out.printf("%-14s %-22s %-9s %12s %12s %7s %5s%n", "device", "backend", "against", "max|Δlogit|", "max rel", "greedy", "pass");
        for (Row r : rows) {
            System.out.printf("%-14s %-22s %-9s %12.3e %12.3e %7s %5s%n", r.device(), r.backend(), r.against(), r.maxAbs(), r.maxRel(),
                    r.greedySame() ? "same" : "DIFFER", r.pass() ? "yes" : "NO");
            if (r.error() != null) System.out.println("    error: " + r.error());
            if (!r.layerRel().isEmpty()) {
                StringBuilder sb = new StringBuilder("    per layer (rel): emb ");
                for (int l = 0; l < r.layerRel().size(); l++) {
                    if (l > 0) sb.append(String.format("  L%d ", l - 1));
                    sb.append(String.format("%.2e", r.layerRel().get(l)));
                }
                System.out.println(sb);
            }
        }
    }
}
