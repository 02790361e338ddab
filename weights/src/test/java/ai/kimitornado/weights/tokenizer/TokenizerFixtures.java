package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Locates {@code ../shared/fixtures/tokenizer} (system property {@code kimi.shared}, else relative paths). */
final class TokenizerFixtures {
    private static KimiTokenizer tokenizer;

    private TokenizerFixtures() {
    }

    static Path dir() {
        String shared = System.getProperty("kimi.shared");
        Path[] candidates = shared != null
                ? new Path[] {Path.of(shared, "fixtures", "tokenizer")}
                : new Path[] {Path.of("..", "shared", "fixtures", "tokenizer"), Path.of("..", "..", "shared", "fixtures", "tokenizer")};
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("tiktoken.model"))) {
                return p;
            }
        }
        throw new IllegalStateException("tokenizer fixtures not found at " + java.util.Arrays.toString(candidates)
                + " (set -Dkimi.shared=/path/to/shared)");
    }

    static synchronized KimiTokenizer tokenizer() {
        if (tokenizer == null) {
            try {
                tokenizer = KimiTokenizer.load(dir());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tokenizer;
    }

    static JsonNode cases() {
        try {
            return new ObjectMapper().readTree(dir().resolve("cases.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }
}
