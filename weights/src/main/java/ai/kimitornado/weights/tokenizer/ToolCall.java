package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Objects;

/**
 * One function call made by the assistant (OpenAI format: {@code {"id", "type": "function", "function":
 * {"name", "arguments"}}}). The template renders {@code arguments | tojson}: an object renders as JSON, a
 * string (OpenAI's wire form) renders as a quoted JSON string — exactly what the HF template does.
 *
 * @param id        the call id (not rendered by the Kimi template, which numbers calls per message); may be null
 * @param name      function name
 * @param arguments arguments as JSON (object or string)
 */
public record ToolCall(String id, String name, JsonNode arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "ToolCall.name");
        Objects.requireNonNull(arguments, "ToolCall.arguments (use an empty object for none)");
    }

    /** A call whose arguments are a JSON string as OpenAI clients send them (rendered quoted). */
    public static ToolCall withArgumentString(String id, String name, String argumentsJson) {
        return new ToolCall(id, name, TextNode.valueOf(argumentsJson));
    }

    /** Parses the OpenAI form {@code {"id", "function": {"name", "arguments"}}}. */
    public static ToolCall fromJson(JsonNode node) {
        JsonNode function = node.path("function");
        if (!function.path("name").isTextual() || !function.has("arguments")) {
            throw new IllegalArgumentException("tool call needs function.name (string) and function.arguments: " + node);
        }
        JsonNode id = node.get("id");
        return new ToolCall(id == null || id.isNull() ? null : id.asText(), function.get("name").asText(), function.get("arguments"));
    }
}
