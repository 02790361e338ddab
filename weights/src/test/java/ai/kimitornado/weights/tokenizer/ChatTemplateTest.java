package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Renderings of the Kimi template beyond cases.json (tools, tool calls, tool results). The expected strings
 * are the Jinja template of tokenizer_config.json evaluated by hand with transformers' settings
 * ({@code tojson} = {@code json.dumps(ensure_ascii=False)}, tools deep-sorted by {@code tokenization_kimi.py}).
 */
class ChatTemplateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final KimiTokenizer tok = TokenizerFixtures.tokenizer();

    @Test
    void defaultSystemPromptOnlyWhenTheFirstMessageIsNotSystem() {
        assertEquals("<|im_system|>system<|im_middle|>You are a helpful assistant<|im_end|>"
                        + "<|im_user|>user<|im_middle|>Hi<|im_end|><|im_assistant|>assistant<|im_middle|>Hello!<|im_end|>",
                tok.renderChat(List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello!")), false));
        assertEquals("<|im_system|>system<|im_middle|>S<|im_end|><|im_user|>user<|im_middle|>Q<|im_end|>",
                tok.renderChat(List.of(ChatMessage.system("S"), ChatMessage.user("Q")), false));
        assertEquals("<|im_assistant|>assistant<|im_middle|>", tok.renderChat(List.of(), true));
        assertEquals("", tok.renderChat(List.of(), false));
    }

    @Test
    void toolsToolCallsAndToolResults() throws Exception {
        JsonNode tool = JSON.readTree("""
                {"type": "function", "function": {"name": "get_weather", "description": "Weather in a city",
                 "parameters": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}}""");
        ToolCall call = new ToolCall("call_1", "get_weather", JSON.readTree("{\"city\": \"北京\", \"days\": 2, \"a\": 1.5}"));
        ToolCall quoted = ToolCall.withArgumentString("call_2", "get_time", "{\"tz\":\"UTC\"}");
        List<ChatMessage> messages = List.of(
                ChatMessage.user("Weather?"),
                ChatMessage.assistant("Let me check.", List.of(call, quoted)),
                ChatMessage.tool("call_1", "{\"temp\": 21}"),
                ChatMessage.assistant(null, List.of(call)));
        String expected = "<|im_system|>tool_declare<|im_middle|>"
                + "[{\"function\": {\"description\": \"Weather in a city\", \"name\": \"get_weather\", \"parameters\": "
                + "{\"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"], \"type\": \"object\"}}, "
                + "\"type\": \"function\"}]<|im_end|>"
                + "<|im_system|>system<|im_middle|>You are a helpful assistant<|im_end|>"
                + "<|im_user|>user<|im_middle|>Weather?<|im_end|>"
                + "<|im_assistant|>assistant<|im_middle|>Let me check.<|tool_calls_section_begin|>"
                + "<|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"北京\", \"days\": 2, \"a\": 1.5}<|tool_call_end|>"
                + "<|tool_call_begin|>functions.get_time:1<|tool_call_argument_begin|>\"{\\\"tz\\\":\\\"UTC\\\"}\"<|tool_call_end|>"
                + "<|tool_calls_section_end|><|im_end|>"
                + "<|im_system|>tool<|im_middle|>## Return of call_1\\n{\"temp\": 21}<|im_end|>"
                + "<|im_assistant|>assistant<|im_middle|><|tool_calls_section_begin|>"
                + "<|tool_call_begin|>functions.get_weather:0<|tool_call_argument_begin|>{\"city\": \"北京\", \"days\": 2, \"a\": 1.5}<|tool_call_end|>"
                + "<|tool_calls_section_end|><|im_end|>"
                + "<|im_assistant|>assistant<|im_middle|>";
        String rendered = tok.renderChat(messages, List.of(tool), true);
        assertEquals(expected, rendered);
        assertEquals(rendered, tok.decode(tok.encode(rendered)));
        assertEquals(tok.specialTokenId("<|tool_calls_section_begin|>").orElseThrow(), 163595);
    }

    @Test
    void messagesParseFromOpenAiJson() throws Exception {
        JsonNode m = JSON.readTree("""
                [{"role": "assistant", "content": null, "tool_calls": [{"id": "c9", "type": "function",
                   "function": {"name": "f", "arguments": "{}"}}]},
                 {"role": "tool", "tool_call_id": "c9", "content": "ok"}]""");
        ChatMessage a = ChatMessage.fromJson(m.get(0));
        ChatMessage t = ChatMessage.fromJson(m.get(1));
        assertEquals(ChatMessage.Role.ASSISTANT, a.role());
        assertEquals("f", a.toolCalls().get(0).name());
        assertEquals("c9", t.toolCallId());
        assertEquals("<|im_system|>system<|im_middle|>You are a helpful assistant<|im_end|>"
                + "<|im_assistant|>assistant<|im_middle|><|tool_calls_section_begin|><|tool_call_begin|>functions.f:0"
                + "<|tool_call_argument_begin|>\"{}\"<|tool_call_end|><|tool_calls_section_end|><|im_end|>"
                + "<|im_system|>tool<|im_middle|>## Return of c9\\nok<|im_end|>", tok.renderChat(List.of(a, t), false));
    }

    @Test
    void invalidMessagesAreRejected() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.fromJson(JSON.readTree("{\"role\": \"robot\", \"content\": \"x\"}")));
        assertThrows(IllegalArgumentException.class, () -> ChatMessage.fromJson(JSON.readTree("{\"role\": \"user\", \"content\": [{\"type\": \"text\"}]}")));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(ChatMessage.Role.USER, "x",
                List.of(new ToolCall(null, "f", JSON.readTree("{}"))), null));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(ChatMessage.Role.TOOL, "x", List.of(), null));
        assertThrows(IllegalArgumentException.class, () -> new ChatMessage(ChatMessage.Role.USER, "x", List.of(), "id"));
    }

    @Test
    void pythonJsonDumpsFormatting() throws Exception {
        assertEquals("{\"b\": [1, 2.0, -0.5, true, null], \"a\": \"\\\"q\\\" \\\\ \\n\\t\\u0001\\u001f é 😀\"}",
                PythonJson.dumps(JSON.readTree("{\"b\": [1, 2.0, -0.5, true, null], \"a\": \"\\\"q\\\" \\\\ \\n\\t\\u0001\\u001f é 😀\"}"), false));
        assertEquals("{\"a\": {\"x\": 1, \"y\": 2}, \"b\": 0}", PythonJson.dumps(JSON.readTree("{\"b\": 0, \"a\": {\"y\": 2, \"x\": 1}}"), true));
        String[][] floats = {{"1.0", "1.0"}, {"1e16", "1e+16"}, {"1e15", "1000000000000000.0"}, {"0.0001", "0.0001"},
                {"0.00001", "1e-05"}, {"123456789012345678", null}, {"1.5e-7", "1.5e-07"}, {"-2.5e300", "-2.5e+300"},
                {"0.1", "0.1"}, {"100.0", "100.0"}, {"1e22", "1e+22"}, {"5e-324", "5e-324"}, {"1.7976931348623157e308", "1.7976931348623157e+308"},
                {"-0.0", "-0.0"}, {"12345.678", "12345.678"}, {"9007199254740993.0", "9007199254740992.0"}};
        for (String[] f : floats) {
            if (f[1] != null) {
                assertEquals(f[1], PythonJson.floatRepr(Double.parseDouble(f[0])), f[0]);
            }
        }
        assertEquals("NaN", PythonJson.floatRepr(Double.NaN));
        assertEquals("-Infinity", PythonJson.floatRepr(Double.NEGATIVE_INFINITY));
        assertEquals("123456789012345678", PythonJson.dumps(JSON.readTree("123456789012345678"), false));
        assertTrue(PythonJson.compareCodePoints("\uFFFF", "😀") < 0, "code point order, not UTF-16 order");
    }
}
