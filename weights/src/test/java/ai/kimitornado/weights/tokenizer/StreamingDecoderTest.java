package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The streaming decoder never emits half a character and adds up to the one-shot decode. */
class StreamingDecoderTest {
    private final KimiTokenizer tok = TokenizerFixtures.tokenizer();

    @Test
    void randomIdSequencesStreamToTheFullDecode() {
        long seed = RandomText.seed("randomIdSequencesStreamToTheFullDecode");
        SplittableRandom r = new SplittableRandom(seed);
        // ranks 0..255 are the 256 single bytes: drawing them often splits and breaks characters
        for (int n = 0; n < 2000; n++) {
            int[] ids = new int[r.nextInt(40)];
            for (int i = 0; i < ids.length; i++) {
                int kind = r.nextInt(10);
                ids[i] = kind < 4 ? r.nextInt(256) : kind < 9 ? r.nextInt(tok.baseVocabSize()) : tok.baseVocabSize() + r.nextInt(258);
            }
            StreamingDecoder d = tok.streamingDecoder();
            StringBuilder streamed = new StringBuilder();
            for (int id : ids) {
                String part = d.feed(id);
                assertWellFormed(part, "seed " + seed + " case " + n);
                assertTrue(d.pendingBytes() <= 3, "at most 3 bytes of an unfinished character are held");
                streamed.append(part);
            }
            String tail = d.flush();
            assertWellFormed(tail, "flush");
            streamed.append(tail);
            assertEquals(tok.decode(ids), streamed.toString(), "seed " + seed + " case " + n);
            assertEquals(0, d.pendingBytes());
        }
    }

    @Test
    void validTextStreamsWithoutReplacementCharacters() {
        long seed = RandomText.seed("validTextStreamsWithoutReplacementCharacters");
        SplittableRandom r = new SplittableRandom(seed);
        for (int n = 0; n < 500; n++) {
            String s = RandomText.next(r, r.nextInt(80)).replace("\uFFFD", "");
            StreamingDecoder d = tok.streamingDecoder();
            StringBuilder streamed = new StringBuilder();
            for (int id : tok.encode(s)) {
                String part = d.feed(id);
                assertFalse(part.contains("\uFFFD"), "no U+FFFD while streaming valid text, seed " + seed + " case " + n);
                streamed.append(part);
            }
            assertEquals("", d.flush());
            assertEquals(s, streamed.toString());
        }
    }

    @Test
    void splitCharacterIsHeldBackUntilComplete() {
        // "😀" is F0 9F 98 80; feed its four single-byte tokens
        byte[] utf8 = "😀".getBytes(StandardCharsets.UTF_8);
        StreamingDecoder d = tok.streamingDecoder();
        for (int i = 0; i < 3; i++) {
            assertEquals("", d.feed(singleByteId(utf8[i])));
            assertEquals(i + 1, d.pendingBytes());
        }
        assertEquals("😀", d.feed(singleByteId(utf8[3])));
        // an unfinished character at the end becomes one U+FFFD
        d.feed(singleByteId(utf8[0]));
        assertEquals("\uFFFD", d.flush());
    }

    @Test
    void unknownIdsAreRejectedWithTheId() {
        StreamingDecoder d = tok.streamingDecoder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> d.feed(tok.vocabSize()));
        assertTrue(e.getMessage().contains("163842"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {5, -1}));
        assertTrue(e2.getMessage().contains("-1") && e2.getMessage().contains("position 1"), e2.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.decodeBytes(new int[] {200_000}));
        assertThrows(IllegalArgumentException.class, () -> tok.tokenBytes(-5));
    }

    /**
     * Against a brute-force reference of Unicode's "maximal subpart" rule (what Python's errors="replace" does
     * and hence tiktoken's decode). Java's own decoder differs for ED A0..BF followed by a non-continuation byte
     * (one U+FFFD for both bytes instead of two), so it is not the reference.
     */
    @Test
    void utf8DecoderFollowsMaximalSubpartsWholeAndSplit() {
        long seed = RandomText.seed("utf8DecoderFollowsMaximalSubpartsWholeAndSplit");
        SplittableRandom r = new SplittableRandom(seed);
        byte[] interesting = {(byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xED, (byte) 0xEF, (byte) 0xF0, (byte) 0xF4, (byte) 0xF5,
                (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0, (byte) 0xBF, (byte) 0xC0, (byte) 0xFF, 'a', 0};
        for (int n = 0; n < 20_000; n++) {
            byte[] b = new byte[r.nextInt(16)];
            for (int i = 0; i < b.length; i++) {
                b[i] = r.nextBoolean() ? interesting[r.nextInt(interesting.length)] : (byte) r.nextInt(256);
            }
            String expected = maximalSubpartReference(b);
            StringBuilder whole = new StringBuilder();
            Utf8.decode(b, 0, b.length, whole, true);
            assertEquals(expected, whole.toString(), "seed " + seed + " case " + n);
            // streaming: feed in random slices, carrying the undecoded tail
            StringBuilder streamed = new StringBuilder();
            byte[] carry = new byte[0];
            int at = 0;
            while (at < b.length) {
                int len = 1 + r.nextInt(b.length - at);
                byte[] buf = java.util.Arrays.copyOf(carry, carry.length + len);
                System.arraycopy(b, at, buf, carry.length, len);
                at += len;
                int used = Utf8.decode(buf, 0, buf.length, streamed, false);
                carry = java.util.Arrays.copyOfRange(buf, used, buf.length);
            }
            Utf8.decode(carry, 0, carry.length, streamed, true);
            assertEquals(expected, streamed.toString(), "split, seed " + seed + " case " + n);
        }
    }

    @Test
    void surrogateRangeLeadIsReplacedPerByte() {
        StringBuilder sb = new StringBuilder();
        Utf8.decode(new byte[] {(byte) 0xCE, (byte) 0xED, (byte) 0xA0, 'a'}, 0, 4, sb, true);
        assertEquals("\uFFFD\uFFFD\uFFFDa", sb.toString());
    }

    static String maximalSubpartReference(byte[] b) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        outer:
        while (i < b.length) {
            for (int len = 1; len <= 4 && i + len <= b.length; len++) {
                String one = completeChar(java.util.Arrays.copyOfRange(b, i, i + len));
                if (one != null) {
                    out.append(one);
                    i += len;
                    continue outer;
                }
            }
            int skip = 1;
            for (int k = Math.min(3, b.length - i); k >= 2; k--) {
                if (isProperPrefix(java.util.Arrays.copyOfRange(b, i, i + k))) {
                    skip = k;
                    break;
                }
            }
            out.append('\uFFFD');
            i += skip;
        }
        return out.toString();
    }

    /** The character when {@code b} is exactly one well-formed UTF-8 sequence, else null. */
    private static String completeChar(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8);
        boolean one = s.codePointCount(0, s.length()) == 1;
        return one && java.util.Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b) ? s : null;
    }

    /** Whether some well-formed sequence starts with {@code prefix} (length >= 2: only the second byte is ever constrained beyond 80..BF). */
    private static boolean isProperPrefix(byte[] prefix) {
        for (int total = prefix.length + 1; total <= 4; total++) {
            byte[] c = java.util.Arrays.copyOf(prefix, total);
            java.util.Arrays.fill(c, prefix.length, total, (byte) 0x80);
            if (completeChar(c) != null) {
                return true;
            }
        }
        return false;
    }

    private int singleByteId(byte b) {
        for (int id = 0; id < 256; id++) {
            byte[] t = tok.tokenBytes(id);
            if (t.length == 1 && t[0] == b) {
                return id;
            }
        }
        throw new AssertionError("no single-byte token for " + (b & 0xFF));
    }

    private static void assertWellFormed(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                assertTrue(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(++i)), "unpaired high surrogate: " + what);
            } else {
                assertFalse(Character.isLowSurrogate(c), "unpaired low surrogate: " + what);
            }
        }
    }
}
