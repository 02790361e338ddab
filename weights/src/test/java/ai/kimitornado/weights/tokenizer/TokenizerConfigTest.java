package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tokenizer_config.json handling: reserved names, BOS/EOS, bad entries, unsupported chat templates. */
class TokenizerConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode realConfig() throws Exception {
        return (ObjectNode) JSON.readTree(TokenizerFixtures.dir().resolve(KimiTokenizer.CONFIG_FILE).toFile());
    }

    @Test
    void unnamedIdsAreReservedTokens() throws Exception {
        TokenizerConfig c = TokenizerConfig.parse(realConfig(), "cfg", 163_584);
        assertEquals("<|reserved_token_163589|>", c.specials().name(163_589));
        assertEquals("<|im_middle|>", c.specials().name(163_601));
        assertEquals(258, c.specials().count());
        assertEquals(163_584, c.bosId());
        assertEquals(163_585, c.eosId());
    }

    @Test
    void badEntriesAreRejectedNamingTheFile() throws Exception {
        ObjectNode outside = realConfig();
        ((ObjectNode) outside.get("added_tokens_decoder")).set("5", JSON.readTree("{\"content\": \"<x>\"}"));
        assertMessage(outside, "id 5 is outside the special ids [163584, 163842)");

        ObjectNode duplicate = realConfig();
        ((ObjectNode) duplicate.get("added_tokens_decoder")).set("163700", JSON.readTree("{\"content\": \"[BOS]\"}"));
        assertMessage(duplicate, "'[BOS]' names both id 163584 and id 163700");

        ObjectNode noContent = realConfig();
        ((ObjectNode) noContent.get("added_tokens_decoder")).set("163700", JSON.readTree("{\"special\": true}"));
        assertMessage(noContent, "added_tokens_decoder[163700] has no non-empty string 'content'");

        ObjectNode badBos = realConfig();
        badBos.put("bos_token", "<s>");
        assertMessage(badBos, "bos_token '<s>' is not one of the special tokens");
    }

    @Test
    void anotherChatTemplateIsReportedWhenRendering(@TempDir Path dir) throws Exception {
        ObjectNode cfg = realConfig();
        cfg.put("chat_template", "{{ messages }}");
        Files.copy(TokenizerFixtures.dir().resolve(KimiTokenizer.VOCAB_FILE), dir.resolve(KimiTokenizer.VOCAB_FILE));
        JSON.writeValue(dir.resolve(KimiTokenizer.CONFIG_FILE).toFile(), cfg);
        KimiTokenizer tok = KimiTokenizer.load(dir);
        assertEquals(5, tok.encode("hello world!").length > 0 ? 5 : 0, "encoding still works");
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> tok.renderChat(java.util.List.of(ChatMessage.user("x")), true));
        assertTrue(e.getMessage().contains(KimiTokenizer.CONFIG_FILE) && e.getMessage().contains("sha256"), e.getMessage());
    }

    @Test
    void malformedJsonNamesTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(KimiTokenizer.CONFIG_FILE);
        Files.writeString(f, "{\"added_tokens_decoder\": ");
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TokenizerConfig.load(f, 163_584));
        assertTrue(e.getMessage().startsWith(f + ": not valid JSON"), e.getMessage());
    }

    private static void assertMessage(ObjectNode cfg, String detail) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TokenizerConfig.parse(cfg, "my/cfg.json", 163_584));
        assertTrue(e.getMessage().startsWith("my/cfg.json: ") && e.getMessage().contains(detail), e.getMessage());
    }
}
