package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of tiktoken.model files: the real one, a small synthetic one, and malformed lines (file:line in errors). */
class TiktokenVocabularyTest {

    @Test
    void realFileHasTheDocumentedShape() throws IOException {
        TiktokenVocabulary v = TiktokenVocabulary.load(TokenizerFixtures.dir().resolve("tiktoken.model"));
        assertEquals(163_584, v.size());
        assertArrayEquals("!".getBytes(StandardCharsets.UTF_8), v.tokenBytes(0));
        assertArrayEquals("自主性".getBytes(StandardCharsets.UTF_8), v.tokenBytes(163_583));
        assertEquals(256, v.maxTokenLength());
    }

    /** The lookup tables (direct 2-byte, packed 3..8-byte, hashed 9+-byte) against a plain HashMap of the file. */
    @Test
    void everyTokenIsFoundAndNonTokensAreNot() throws IOException {
        TiktokenVocabulary v = TiktokenVocabulary.load(TokenizerFixtures.dir().resolve("tiktoken.model"));
        java.util.Map<java.nio.ByteBuffer, Integer> plain = new java.util.HashMap<>();
        for (String line : Files.readAllLines(TokenizerFixtures.dir().resolve("tiktoken.model"))) {
            String[] f = line.split(" ");
            plain.put(java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(f[0])), Integer.parseInt(f[1]));
        }
        assertEquals(v.size(), plain.size());
        for (java.util.Map.Entry<java.nio.ByteBuffer, Integer> e : plain.entrySet()) {
            byte[] b = e.getKey().array();
            assertEquals(e.getValue(), v.rank(b, 0, b.length), () -> "rank of " + java.util.Arrays.toString(b));
            assertEquals(e.getValue(), v.rank(b, 0, b.length, ByteSequenceRankMap.hash(b, 0, b.length)));
            assertArrayEquals(b, v.tokenBytes(e.getValue()));
        }
        long seed = RandomText.seed("everyTokenIsFoundAndNonTokensAreNot");
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        List<byte[]> tokens = new ArrayList<>();
        plain.keySet().forEach(k -> tokens.add(k.array()));
        for (int n = 0; n < 60_000; n++) {
            // a token with a byte changed, cut, or extended: sometimes a token, mostly not
            byte[] t = tokens.get(r.nextInt(tokens.size()));
            byte[] probe = switch (n % 3) {
                case 0 -> { byte[] c = t.clone(); c[r.nextInt(c.length)] = (byte) r.nextInt(256); yield c; }
                case 1 -> java.util.Arrays.copyOf(t, Math.max(1, t.length - 1 - r.nextInt(Math.max(1, t.length - 1))));
                default -> { byte[] c = java.util.Arrays.copyOf(t, t.length + 1); c[t.length] = (byte) r.nextInt(256); yield c; }
            };
            int expected = plain.getOrDefault(java.nio.ByteBuffer.wrap(probe), -1);
            assertEquals(expected, v.rank(probe, 0, probe.length), "seed " + seed + " probe " + java.util.Arrays.toString(probe));
        }
    }

    @Test
    void ranksMayComeInAnyOrder() {
        List<String> lines = smallVocabLines();
        java.util.Collections.reverse(lines);
        TiktokenVocabulary v = TiktokenVocabulary.parse(String.join("\n", lines).getBytes(StandardCharsets.US_ASCII), "rev.model");
        assertEquals(258, v.size());
        byte[] ab = "ab".getBytes(StandardCharsets.US_ASCII);
        assertEquals(256, v.rank(ab, 0, 2));
        assertArrayEquals("abc".getBytes(StandardCharsets.US_ASCII), v.tokenBytes(257));
    }

    @Test
    void malformedLinesNameFileAndLine() {
        assertError(replaceLine(2, "QUJD"), "t.model:3: ", "no space");
        assertError(replaceLine(2, "QUJD 1 2"), "t.model:3: ", "one space");
        assertError(replaceLine(2, "QU*D 2"), "t.model:3: ", "invalid character '*'");
        assertError(replaceLine(2, "QUJ 2"), "t.model:3: ", "multiple of 4");
        assertError(replaceLine(2, " 2"), "t.model:3: ", "empty token");
        assertError(replaceLine(2, "QUJD x2"), "t.model:3: ", "not a decimal number");
        assertError(replaceLine(2, "QUJD "), "t.model:3: ", "missing rank");
        assertError(replaceLine(2, "QUJD 99999"), "t.model:3: ", "outside [0, 258)");
        assertError(replaceLine(2, "QUJD 1"), "t.model:3: ", "already given on line 2");
        assertError(replaceLine(2, ""), "t.model:3: ", "empty line");
        assertError(replaceLine(257, b64("ab") + " 257"), "t.model", "ranks 256 and 257 have the same token bytes");
        // drop the single byte 'z': byte-level BPE could not encode it
        List<String> lines = smallVocabLines();
        lines.set('z', b64("xyz") + " " + (int) 'z');
        assertError(lines, "t.model", "no token for the single byte 0x7a");
    }

    @Test
    void crlfLineEndsAndAMissingFinalNewlineAreAccepted() {
        String text = String.join("\r\n", smallVocabLines());
        assertEquals(258, TiktokenVocabulary.parse(text.getBytes(StandardCharsets.US_ASCII), "crlf").size());
    }

    @Test
    void loadReportsThePathOfABadFile(@TempDir Path dir) throws IOException {
        List<String> lines = smallVocabLines();
        lines.set(100, "!!!! 100");
        Files.write(dir.resolve(KimiTokenizer.VOCAB_FILE), lines);
        Files.copy(TokenizerFixtures.dir().resolve(KimiTokenizer.CONFIG_FILE), dir.resolve(KimiTokenizer.CONFIG_FILE));
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> KimiTokenizer.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve(KimiTokenizer.VOCAB_FILE) + ":101: "), e.getMessage());
        Files.delete(dir.resolve(KimiTokenizer.VOCAB_FILE));
        IOException missing = assertThrows(IOException.class, () -> KimiTokenizer.load(dir));
        assertTrue(missing.getMessage().contains(KimiTokenizer.VOCAB_FILE), missing.getMessage());
    }

    /** 256 single bytes in byte order, then "ab" (256) and "abc" (257). */
    static List<String> smallVocabLines() {
        List<String> lines = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            lines.add(Base64.getEncoder().encodeToString(new byte[] {(byte) b}) + " " + b);
        }
        lines.add(b64("ab") + " 256");
        lines.add(b64("abc") + " 257");
        return lines;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> replaceLine(int index, String line) {
        List<String> lines = smallVocabLines();
        lines.set(index, line);
        return lines;
    }

    private static void assertError(List<String> lines, String prefix, String detail) {
        byte[] content = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII);
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> TiktokenVocabulary.parse(content, "t.model"));
        assertTrue(e.getMessage().startsWith(prefix) && e.getMessage().contains(detail), "message: " + e.getMessage());
    }
}
