package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One chat turn.
 *
 * @param role       who speaks
 * @param content    text; null renders nothing (allowed for system/user/assistant, not for tool results)
 * @param toolCalls  calls made by an assistant turn (empty otherwise)
 * @param toolCallId for a tool turn: id of the call it answers (rendered as {@code ## Return of ID})
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String toolCallId) {
    public enum Role {
        SYSTEM, USER, ASSISTANT, TOOL;

        /** The role string of the OpenAI/HF message format. */
        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Role fromWireName(String name) {
            for (Role r : values()) {
                if (r.wireName().equals(name)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown chat role '" + name + "'; expected system, user, assistant or tool");
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "ChatMessage.role");
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls, not " + role.wireName());
        }
        if (role == Role.TOOL) {
            if (toolCallId == null || content == null) {
                throw new IllegalArgumentException("a tool message needs toolCallId and content (the template prints both)");
            }
        } else if (toolCallId != null) {
            throw new IllegalArgumentException("only tool messages carry a toolCallId, not " + role.wireName());
        }
    }

    public static ChatMessage system(String content) {
        return new ChatMessage(Role.SYSTEM, content, List.of(), null);
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content, List.of(), null);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content, List.of(), null);
    }

    public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, content, toolCalls, null);
    }

    public static ChatMessage tool(String toolCallId, String content) {
        return new ChatMessage(Role.TOOL, content, List.of(), toolCallId);
    }

    /** Parses the OpenAI/HF message form {@code {"role", "content", "tool_calls", "tool_call_id"}}. */
    public static ChatMessage fromJson(JsonNode node) {
        if (!node.path("role").isTextual()) {
            throw new IllegalArgumentException("chat message needs a string 'role': " + node);
        }
        Role role = Role.fromWireName(node.get("role").asText());
        JsonNode content = node.get("content");
        if (content != null && !content.isNull() && !content.isTextual()) {
            throw new IllegalArgumentException("chat message content must be a string or null (content parts are not supported): " + node);
        }
        List<ToolCall> calls = new ArrayList<>();
        JsonNode callsNode = node.get("tool_calls");
        if (callsNode != null && !callsNode.isNull()) {
            if (!callsNode.isArray()) {
                throw new IllegalArgumentException("tool_calls must be an array: " + node);
            }
            callsNode.forEach(c -> calls.add(ToolCall.fromJson(c)));
        }
        JsonNode id = node.get("tool_call_id");
        return new ChatMessage(role, content == null || content.isNull() ? null : content.asText(), calls,
                id == null || id.isNull() ? null : id.asText());
    }
}
