package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * What the tokenizer takes from {@code tokenizer_config.json}: names of the special ids (ids without a name
 * in {@code added_tokens_decoder} are {@code <|reserved_token_ID|>}, as in {@code tokenization_kimi.py}),
 * BOS/EOS, and whether the chat template is the Kimi one this package implements.
 */
record TokenizerConfig(SpecialTokens specials, int bosId, int eosId, ChatTemplate chatTemplate, String chatTemplateProblem) {
    /** {@code num_reserved_special_tokens + 2} of {@code tokenization_kimi.py}. */
    static final int SPECIAL_TOKEN_COUNT = 258;

    static TokenizerConfig load(Path file, int baseVocabSize) throws IOException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (JacksonException e) {
            throw new TokenizerFormatException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        return parse(root, file.toString(), baseVocabSize);
    }

    static TokenizerConfig parse(JsonNode root, String file, int baseVocabSize) {
        if (root == null || !root.isObject()) {
            throw new TokenizerFormatException(file + ": expected a JSON object at the top level");
        }
        String[] names = new String[SPECIAL_TOKEN_COUNT];
        JsonNode added = root.get("added_tokens_decoder");
        if (added != null && !added.isNull()) {
            if (!added.isObject()) {
                throw new TokenizerFormatException(file + ": added_tokens_decoder must be an object of id -> token");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = added.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                int id;
                try {
                    id = Integer.parseInt(e.getKey());
                } catch (NumberFormatException ex) {
                    throw new TokenizerFormatException(file + ": added_tokens_decoder key '" + e.getKey() + "' is not an id");
                }
                if (id < baseVocabSize || id >= baseVocabSize + SPECIAL_TOKEN_COUNT) {
                    throw new TokenizerFormatException(file + ": added_tokens_decoder id " + id + " is outside the special ids ["
                            + baseVocabSize + ", " + (baseVocabSize + SPECIAL_TOKEN_COUNT) + ") that follow the "
                            + baseVocabSize + " tiktoken ranks");
                }
                JsonNode content = e.getValue().get("content");
                if (content == null || !content.isTextual() || content.asText().isEmpty()) {
                    throw new TokenizerFormatException(file + ": added_tokens_decoder[" + id + "] has no non-empty string 'content'");
                }
                names[id - baseVocabSize] = content.asText();
            }
        }
        for (int i = 0; i < names.length; i++) {
            if (names[i] == null) {
                names[i] = "<|reserved_token_" + (baseVocabSize + i) + "|>";
            }
        }
        SpecialTokens specials;
        try {
            specials = new SpecialTokens(baseVocabSize, names);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFormatException(file + ": " + e.getMessage(), e);
        }
        int bos = specialId(root, "bos_token", "[BOS]", specials, file);
        int eos = specialId(root, "eos_token", "[EOS]", specials, file);

        JsonNode template = root.get("chat_template");
        if (template == null || !template.isTextual()) {
            return new TokenizerConfig(specials, bos, eos, null, file + ": has no chat_template string;"
                    + " only the Kimi instruct template (sha256 " + ChatTemplate.KIMI_TEMPLATE_SHA256 + ") is implemented");
        }
        String sha = sha256(template.asText());
        if (!sha.equals(ChatTemplate.KIMI_TEMPLATE_SHA256)) {
            return new TokenizerConfig(specials, bos, eos, null, file + ": chat_template has sha256 " + sha
                    + ", not the Kimi instruct template (" + ChatTemplate.KIMI_TEMPLATE_SHA256
                    + ") that ChatTemplate implements; rendering it would need a Jinja engine");
        }
        return new TokenizerConfig(specials, bos, eos, ChatTemplate.kimi(), null);
    }

    /** The HF class defaults ({@code [BOS]}, {@code [EOS]}) apply when the key is absent. */
    private static int specialId(JsonNode root, String key, String defaultName, SpecialTokens specials, String file) {
        JsonNode node = root.get(key);
        String name;
        if (node == null || node.isNull()) {
            name = defaultName;
        } else if (node.isTextual()) {
            name = node.asText();
        } else if (node.isObject() && node.path("content").isTextual()) {
            name = node.get("content").asText();
        } else {
            throw new TokenizerFormatException(file + ": " + key + " must be a string or an object with 'content'");
        }
        return specials.id(name).orElseThrow(() -> new TokenizerFormatException(
                file + ": " + key + " '" + name + "' is not one of the special tokens"));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
