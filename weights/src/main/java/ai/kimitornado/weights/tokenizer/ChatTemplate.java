package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The Kimi instruct chat template ({@code chat_template} of the Kimi K2 / Kimi Linear
 * {@code tokenizer_config.json}, sha256 {@value #KIMI_TEMPLATE_SHA256}) written out in Java, rendering what
 * transformers' {@code apply_chat_template} renders with that Jinja source:
 * <ul>
 *   <li>tools: {@code <|im_system|>tool_declare<|im_middle|>TOOLS<|im_end|>} first, TOOLS being the list as
 *       {@code json.dumps} (", " / ": " separators, non-ASCII kept) with keys sorted recursively, as the
 *       {@code apply_chat_template} override in {@code tokenization_kimi.py} does;</li>
 *   <li>a default system turn {@value #DEFAULT_SYSTEM_PROMPT} when the first message is not a system one;</li>
 *   <li>per message: role header, content, {@code <|im_end|>}; no separators between turns;</li>
 *   <li>assistant tool calls: {@code <|tool_calls_section_begin|>} then per call
 *       {@code <|tool_call_begin|>functions.NAME:INDEX<|tool_call_argument_begin|>ARGS<|tool_call_end|>};</li>
 *   <li>tool results: {@code ## Return of ID\nCONTENT} where {@code \n} is a literal backslash and 'n': the
 *       Jinja source holds those two characters in template text, which Jinja emits verbatim;</li>
 *   <li>generation prompt {@code <|im_assistant|>assistant<|im_middle|>}.</li>
 * </ul>
 */
public final class ChatTemplate {
    public static final String KIMI_TEMPLATE_SHA256 = "aab20feb9bc6881f941ea649356130ffbc4943b3c2577c0991e1fba90de5a0fc";
    public static final String DEFAULT_SYSTEM_PROMPT = "You are a helpful assistant";

    private static final ChatTemplate KIMI = new ChatTemplate();

    private ChatTemplate() {
    }

    public static ChatTemplate kimi() {
        return KIMI;
    }

    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return render(messages, List.of(), addGenerationPrompt);
    }

    /**
     * @param tools tool declarations (typically {@code {"type": "function", "function": {...}}}); empty for none
     */
    public String render(List<ChatMessage> messages, List<JsonNode> tools, boolean addGenerationPrompt) {
        StringBuilder out = new StringBuilder(256);
        if (tools != null && !tools.isEmpty()) {
            out.append("<|im_system|>tool_declare<|im_middle|>");
            PythonJson.dumpList(tools, true, out);
            out.append("<|im_end|>");
        }
        for (int i = 0; i < messages.size(); i++) {
            ChatMessage m = messages.get(i);
            if (i == 0 && m.role() != ChatMessage.Role.SYSTEM) {
                out.append("<|im_system|>system<|im_middle|>").append(DEFAULT_SYSTEM_PROMPT).append("<|im_end|>");
            }
            out.append(switch (m.role()) {
                case SYSTEM -> "<|im_system|>system<|im_middle|>";
                case USER -> "<|im_user|>user<|im_middle|>";
                case ASSISTANT -> "<|im_assistant|>assistant<|im_middle|>";
                case TOOL -> "<|im_system|>tool<|im_middle|>";
            });
            if (m.role() == ChatMessage.Role.ASSISTANT && !m.toolCalls().isEmpty()) {
                if (m.content() != null) {
                    out.append(m.content());
                }
                out.append("<|tool_calls_section_begin|>");
                for (int k = 0; k < m.toolCalls().size(); k++) {
                    ToolCall call = m.toolCalls().get(k);
                    out.append("<|tool_call_begin|>functions.").append(call.name()).append(':').append(k)
                            .append("<|tool_call_argument_begin|>");
                    PythonJson.dump(call.arguments(), false, out);
                    out.append("<|tool_call_end|>");
                }
                out.append("<|tool_calls_section_end|>");
            } else if (m.role() == ChatMessage.Role.TOOL) {
                out.append("## Return of ").append(m.toolCallId()).append("\\n").append(m.content());
            } else if (m.content() != null) {
                out.append(m.content());
            }
            out.append("<|im_end|>");
        }
        if (addGenerationPrompt) {
            out.append("<|im_assistant|>assistant<|im_middle|>");
        }
        return out.toString();
    }
}
