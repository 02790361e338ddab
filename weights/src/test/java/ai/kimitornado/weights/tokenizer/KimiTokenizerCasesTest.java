package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every vector of {@code fixtures/tokenizer/cases.json} (ids from tiktoken with this vocabulary and the Kimi regex). */
class KimiTokenizerCasesTest {
    private final KimiTokenizer tok = TokenizerFixtures.tokenizer();
    private final JsonNode cases = TokenizerFixtures.cases();

    @Test
    void vocabularySizesMatchTheFixture() {
        assertEquals(cases.get("base_tokens").intValue(), tok.baseVocabSize());
        assertEquals(cases.get("tokenizer_ids").intValue(), tok.vocabSize());
        assertEquals(163584, tok.bosId());
        assertEquals(163585, tok.eosId());
    }

    @Test
    void namedSpecialTokensHaveTheFixtureIds() {
        for (Map.Entry<String, JsonNode> e : cases.get("special_tokens").properties()) {
            assertEquals(e.getValue().intValue(), tok.specialTokenId(e.getKey()).orElse(-1), e.getKey());
            assertArrayEquals(new int[] {e.getValue().intValue()}, tok.encode(e.getKey()), e.getKey());
        }
        assertEquals(163589, tok.specialTokenId("<|reserved_token_163589|>").orElse(-1));
        assertEquals(163841, tok.specialTokenId("<|reserved_token_163841|>").orElse(-1));
        assertFalse(tok.specialTokenId("<|reserved_token_163586|>").isPresent(), "163586 is named <|im_end|>");
    }

    @Test
    void everyEncodeCase() {
        int n = 0;
        for (JsonNode c : cases.get("encode")) {
            String text = c.get("text").asText();
            int[] expected = TokenizerFixtures.ints(c.get("ids"));
            int[] actual = tok.encode(text);
            assertArrayEquals(expected, actual, () -> "text " + quoted(text) + " encoded to " + java.util.Arrays.toString(actual));
            assertEquals(text, tok.decode(actual), "decode(encode(x)) for " + quoted(text));
            n++;
        }
        assertEquals(14, n, "cases.json has 14 encode cases");
    }

    @Test
    void everyChatCase() {
        int n = 0;
        for (JsonNode c : cases.get("chat")) {
            List<ChatMessage> messages = new ArrayList<>();
            c.get("messages").forEach(m -> messages.add(ChatMessage.fromJson(m)));
            String expectedText = c.get("text").asText();
            String rendered = tok.renderChat(messages, c.get("add_generation_prompt").booleanValue());
            assertEquals(expectedText, rendered);
            int[] ids = tok.encode(rendered);
            if (c.has("ids")) {
                assertArrayEquals(TokenizerFixtures.ints(c.get("ids")), ids, "ids of chat case " + n);
            }
            assertEquals(rendered, tok.decode(ids));
            n++;
        }
        assertEquals(2, n, "cases.json has 2 chat cases");
    }

    @Test
    void specialStringsAreTextInOrdinaryEncoding() {
        int[] ordinary = tok.encodeOrdinary("<|im_end|>");
        assertTrue(ordinary.length > 1, "ordinary encoding must split the special string into base tokens");
        for (int id : ordinary) {
            assertTrue(id < tok.baseVocabSize(), "id " + id + " is special");
        }
        assertEquals("<|im_end|>", tok.decode(ordinary));
    }

    static String quoted(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }
}
