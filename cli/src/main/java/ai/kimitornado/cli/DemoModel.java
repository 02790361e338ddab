package ai.kimitornado.cli;

import ai.kimitornado.weights.checkpoint.CheckpointWriter;
import ai.kimitornado.weights.config.KimiLinearConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The embedded default model: a small Kimi Linear ({@link KimiLinearConfig#tinyDemo()}: the real 163,840-token
 * vocabulary) with seeded RANDOM weights and the real Kimi tokenizer. It exists so that the quick
 * start runs end to end without a 98 GB download; its text is gibberish by design, and every command
 * using it says so.
 */
final class DemoModel {
    static final long DEMO_SEED = 20251030L;
    private static final String RESOURCES = "/ai/kimitornado/cli/";

    private DemoModel() {}

    static String banner() {
        KimiLinearConfig c = config();
        return "note: no --model given; using the built-in demo model (" + c.numHiddenLayers() + " layers, hidden "
                + c.hiddenSize() + ", RANDOM weights, real Kimi tokenizer). Its output is meaningless by design; "
                + "pass --model DIR for a real checkpoint.";
    }

    static KimiLinearConfig config() {
        return KimiLinearConfig.tinyDemo();
    }

    /** Directory of the demo checkpoint, written once under the cache directory (atomically). */
    static Path ensure(Path cacheRoot) {
        Path dir = cacheRoot.resolve("demo-model-v1-" + DEMO_SEED);
        if (Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("tiktoken.model"))) {
            return dir;
        }
        try {
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, "demo-model-tmp-");
            writeTo(tmp, DEMO_SEED);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | java.nio.file.FileAlreadyExistsException
                     | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another process won the race, or no atomic move: use what is there
                if (!Files.isDirectory(dir)) throw e;
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo model under " + cacheRoot + ": " + e.getMessage(), e);
        }
    }

    /** Writes config, random weights and the real tokenizer files into {@code dir}. */
    static void writeTo(Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        CheckpointWriter.writeRandom(config(), dir, seed);
        copyTokenizerFiles(dir);
    }

    static void copyTokenizerFiles(Path dir) throws IOException {
        for (String name : new String[] {"tiktoken.model", "tokenizer_config.json"}) {
            try (InputStream in = resource("tokenizer/" + name)) {
                Files.copy(in, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Extracts the bundled tokenizer files (once) so a tokenizer can be loaded without a model dir. */
    static Path bundledTokenizer(Path cacheRoot) {
        Path dir = cacheRoot.resolve("tokenizer-kimi-v1");
        try {
            if (!Files.isRegularFile(dir.resolve("tokenizer_config.json"))) {
                Files.createDirectories(dir);
                copyTokenizerFiles(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract the bundled tokenizer to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DemoModel.class.getResourceAsStream(RESOURCES + name);
        if (in == null) throw new IOException("resource " + RESOURCES + name + " is missing from the jar");
        return in;
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }
}
