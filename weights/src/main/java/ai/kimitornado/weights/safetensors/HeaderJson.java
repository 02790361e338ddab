package ai.kimitornado.weights.safetensors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The strict JSON reader shared by safetensors headers and index files. */
final class HeaderJson {
    /** Duplicate keys are an error (a duplicate tensor name must never silently shadow another). */
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private HeaderJson() {
    }

    /** Decodes strict UTF-8 (malformed bytes are an error, not U+FFFD) and parses one JSON value. */
    static JsonNode parse(byte[] utf8, String what) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(what + ": header is not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new SafeTensorsException(what + ": expected a JSON object but the text is empty");
            }
            return node;
        } catch (JacksonException e) {
            throw new SafeTensorsException(what + ": malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at char " + e.getLocation().getCharOffset() : ""), e);
        }
    }
}
