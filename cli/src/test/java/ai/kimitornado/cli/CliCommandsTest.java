package ai.kimitornado.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.kimitornado.weights.safetensors.SafeTensors;
import ai.kimitornado.weights.safetensors.TensorView;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI forms issue 2 calls stable, run in-process against the fixtures. */
class CliCommandsTest {
    static final Path SHARED = Path.of(System.getProperty("kimi.shared", "../shared"));
    static final Path TINY = SHARED.resolve("fixtures/tiny-a");
    static final Path TOKENIZER = SHARED.resolve("fixtures/tokenizer");

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.commandLine().execute(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static int[] lastLineIds(String stdout) {
        String[] lines = stdout.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        assertTrue(last.startsWith("[") && last.endsWith("]"), "last line is not a JSON array: " + last);
        return Arrays.stream(last.substring(1, last.length() - 1).split(",")).mapToInt(Integer::parseInt).toArray();
    }

    @Test
    void tokenizeJsonMatchesTheVector() {
        Run r = run("tokenize", "--tokenizer", TOKENIZER.toString(), "--text", "Hello, world! 你好，世界！", "--json");
        assertEquals(0, r.exit, r.err);
        assertEquals("[19180,11,2695,0,220,33845,378,2243,856]", r.out.strip());
    }

    @Test
    void forwardWritesTheFixtureLogits(@TempDir Path tmp) {
        try (SafeTensors ref = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            int[] ids = ref.tensor("prompt.1.ids").toIntArray();
            float[] expected = ref.tensor("prompt.1.logits").toFloatArray();
            Path outFile = tmp.resolve("logits.safetensors");
            String idList = IdList.json(ids).replace("[", "").replace("]", "");
            Run r = run("forward", "--model", TINY.toString(), "--ids", idList, "--device", "reference",
                    "--logits-out", outFile.toString());
            assertEquals(0, r.exit, r.err);
            try (SafeTensors got = SafeTensors.open(outFile)) {
                TensorView logits = got.tensor("logits");
                assertArrayEquals(new long[] {ids.length, 512}, logits.shape());
                float[] actual = logits.toFloatArray();
                for (int t = 0; t < ids.length; t++) {
                    double rowMax = 0, err = 0;
                    for (int v = 0; v < 512; v++) {
                        rowMax = Math.max(rowMax, Math.abs(expected[t * 512 + v]));
                        err = Math.max(err, Math.abs(expected[t * 512 + v] - actual[t * 512 + v]));
                    }
                    assertTrue(err <= 1e-4 * rowMax, "row " + t + ": max |Δ| " + err + " > 1e-4 × " + rowMax);
                }
            }
        }
    }

    @Test
    void generateReproducesTheFixtureGreedyIds() {
        try (SafeTensors ref = SafeTensors.open(TINY.resolve("reference.safetensors"))) {
            int[] prompt = ref.tensor("prompt.3.ids").toIntArray();
            int[] expected = ref.tensor("generate.ids").toIntArray();
            String idList = IdList.json(prompt).replace("[", "").replace("]", "");
            Run r = run("generate", "--model", TINY.toString(), "--prompt-ids", idList,
                    "--max-tokens", String.valueOf(expected.length - prompt.length), "--temperature", "0",
                    "--ignore-eos", "--print-ids", "--device", "reference");
            assertEquals(0, r.exit, r.err);
            assertArrayEquals(expected, lastLineIds(r.out));
        }
    }

    @Test
    void makeTinyWritesARunnableCheckpointAndRefusesToOverwrite(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("tiny");
        Run made = run("make-tiny", "--out", dir.toString(), "--seed", "7");
        assertEquals(0, made.exit, made.err);
        for (String f : new String[] {"config.json", "tiktoken.model", "tokenizer_config.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(f)), f);
        }
        Run again = run("make-tiny", "--out", dir.toString());
        assertNotEquals(0, again.exit);
        assertTrue(again.err.contains("not empty"), again.err);

        Run gen = run("generate", "--model", dir.toString(), "--prompt", "Hello", "--max-tokens", "3",
                "--ignore-eos", "--print-ids", "--device", "reference");
        assertEquals(0, gen.exit, gen.err);
        int[] ids = lastLineIds(gen.out);
        assertTrue(ids.length > 3, "prompt + 3 generated ids expected, got " + Arrays.toString(ids));
        // chat mode: the prompt is rendered with the template and ends with the generation prompt
        assertEquals(163601, ids[ids.length - 4], "generation prompt <|im_middle|> precedes the generated ids");
    }

    @Test
    void verifyOnTheJavaDeviceMatchesTheFixtureAndFailsOnAnImpossibleTolerance() {
        String ref = TINY.resolve("reference.safetensors").toString();
        Run ok = run("verify", "--model", TINY.toString(), "--reference", ref, "--devices", "java", "--layers");
        assertEquals(0, ok.exit, ok.out + ok.err);
        assertTrue(ok.out.lines().anyMatch(l -> l.startsWith("java ") && l.contains("same") && l.strip().endsWith("yes")), ok.out);
        assertTrue(ok.out.contains("per layer"), ok.out);
        // a tolerance below float rounding must fail (the comparison is live); the reference alone is enough
        Run strict = run("verify", "--model", TINY.toString(), "--reference", ref, "--devices", "reference", "--tolerance", "1e-12");
        assertEquals(1, strict.exit, strict.out + strict.err);
        assertTrue(strict.out.contains(" NO"), strict.out);
    }

    @Test
    void verifyAndGenerateTakeAPrefillChunk() {
        String ref = TINY.resolve("reference.safetensors").toString();
        Run big = run("verify", "--model", TINY.toString(), "--reference", ref, "--devices", "java", "--prefill-chunk", "256");
        assertEquals(0, big.exit, big.out + big.err);
        Run zero = run("verify", "--model", TINY.toString(), "--reference", ref, "--devices", "java", "--prefill-chunk", "0");
        assertNotEquals(0, zero.exit);
        assertTrue(zero.err.contains("--prefill-chunk must be in 1.."), zero.err);
        Run gen = run("generate", "--model", TINY.toString(), "--prompt-ids", "1,2,3,4,5", "--max-tokens", "2", "--device", "java",
                "--prefill-chunk", "2", "--print-ids");
        assertEquals(0, gen.exit, gen.out + gen.err);
        Run huge = run("generate", "--model", TINY.toString(), "--prompt-ids", "1,2", "--max-tokens", "1", "--prefill-chunk", "99999");
        assertNotEquals(0, huge.exit);
        assertTrue(huge.err.contains("--prefill-chunk must be in 1.."), huge.err);
    }

    @Test
    void badInputsFailWithAClearMessage() {
        Run unknownDevice = run("forward", "--model", TINY.toString(), "--ids", "1,2", "--device", "nope", "--logits-out", "x");
        assertNotEquals(0, unknownDevice.exit);
        assertTrue(unknownDevice.err.contains("unknown device id 'nope'") && unknownDevice.err.contains("java"), unknownDevice.err);

        Run outOfVocab = run("generate", "--model", TINY.toString(), "--prompt-ids", "1,512", "--max-tokens", "1");
        assertNotEquals(0, outOfVocab.exit);
        assertTrue(outOfVocab.err.contains("outside the model vocabulary"), outOfVocab.err);

        Run notAnId = run("generate", "--model", TINY.toString(), "--prompt-ids", "1,x", "--max-tokens", "1");
        assertNotEquals(0, notAnId.exit);
        assertTrue(notAnId.err.contains("not an integer"), notAnId.err);
    }
}
