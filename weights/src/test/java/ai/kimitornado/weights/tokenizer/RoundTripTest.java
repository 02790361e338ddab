package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** decode(encode(x)) == x on fresh random text, and how specials, surrogates and long runs are cut. */
class RoundTripTest {
    private final KimiTokenizer tok = TokenizerFixtures.tokenizer();

    @Test
    void decodeOfEncodeIsIdentityOnRandomUnicode() {
        long seed = RandomText.seed("decodeOfEncodeIsIdentityOnRandomUnicode");
        SplittableRandom r = new SplittableRandom(seed);
        long tokens = 0;
        for (int n = 0; n < 3000; n++) {
            String s = RandomText.next(r, r.nextInt(n % 100 == 0 ? 3000 : 120));
            int[] ids = tok.encode(s);
            assertEquals(s, tok.decode(ids), "seed " + seed + " case " + n);
            int[] ordinary = tok.encodeOrdinary(s);
            assertEquals(s, tok.decode(ordinary), "ordinary, seed " + seed + " case " + n);
            for (int id : ordinary) {
                assertTrue(id >= 0 && id < tok.baseVocabSize(), "encodeOrdinary produced special id " + id);
            }
            tokens += ids.length;
        }
        System.out.println("round trip: 3000 strings, " + tokens + " tokens");
    }

    @Test
    void specialsSplitTextIntoIndependentlyEncodedSpans() {
        long seed = RandomText.seed("specialsSplitTextIntoIndependentlyEncodedSpans");
        SplittableRandom r = new SplittableRandom(seed);
        String[] specials = {"<|im_end|>", "[BOS]", "<|im_user|>", "<|reserved_token_163700|>", "<|tool_call_begin|>"};
        for (int n = 0; n < 300; n++) {
            String a = RandomText.next(r, r.nextInt(30)).replace("<", "").replace("[", "");
            String b = RandomText.next(r, r.nextInt(30)).replace("<", "").replace("[", "");
            String special = specials[r.nextInt(specials.length)];
            List<Integer> expected = new ArrayList<>();
            for (int id : tok.encodeOrdinary(a)) {
                expected.add(id);
            }
            expected.add(tok.specialTokenId(special).orElseThrow());
            for (int id : tok.encodeOrdinary(b)) {
                expected.add(id);
            }
            assertArrayEquals(expected.stream().mapToInt(Integer::intValue).toArray(), tok.encode(a + special + b),
                    "seed " + seed + " case " + n);
        }
    }

    @Test
    void unpairedSurrogatesEncodeAsReplacementCharacter() {
        assertArrayEquals(tok.encode("a\uFFFDb"), tok.encode("a\uD800b"));
        assertArrayEquals(tok.encode("\uFFFD\uFFFD"), tok.encode("\uDC00\uD83D"));
        assertEquals("x\uFFFD", tok.decode(tok.encode("x\uD83D")));
    }

    @Test
    void runsLongerThan25000CodePointsAreCutLikeTheHfTokenizer() {
        String run = "a".repeat(30_000);
        int[] expected = concat(tok.encode("a".repeat(25_000)), tok.encode("a".repeat(5_000)));
        assertArrayEquals(expected, tok.encode(run));
        // the cut counts code points, not UTF-16 units
        String emoji = "😀".repeat(25_001);
        assertArrayEquals(concat(tok.encode("😀".repeat(25_000)), tok.encode("😀")), tok.encode(emoji));
        // whitespace runs too, and alternating runs reset the count
        String spaces = " ".repeat(25_001) + "x";
        assertArrayEquals(concat(tok.encode(" ".repeat(25_000)), tok.encode(" x")), tok.encode(spaces));
    }

    @Test
    void longRunSplitterChunksMatchThePythonLoop() {
        long seed = RandomText.seed("longRunSplitterChunksMatchThePythonLoop");
        SplittableRandom r = new SplittableRandom(seed);
        for (int n = 0; n < 500; n++) {
            String s = RandomText.next(r, r.nextInt(200));
            int window = 1 + r.nextInt(50);
            int maxRun = 1 + r.nextInt(8);
            List<String> chunks = new ArrayList<>();
            LongRunSplitter.forEachChunk(s, window, maxRun, (a, b) -> chunks.add(s.substring(a, b)));
            assertEquals(pythonChunks(s, window, maxRun), chunks, "seed " + seed + " case " + n);
        }
    }

    /** The loop of tokenization_kimi.py, transcribed over code points. */
    private static List<String> pythonChunks(String text, int window, int maxRun) {
        int[] cps = text.codePoints().toArray();
        List<String> out = new ArrayList<>();
        if (cps.length == 0) {
            out.add("");
            return out;
        }
        for (int w = 0; w < cps.length; w += window) {
            int end = Math.min(cps.length, w + window);
            int sliceLen = 0;
            boolean sliceIsSpace = Utf8.isPythonSpace(cps[w]);
            int sliceStart = w;
            for (int i = w; i < end; i++) {
                boolean isSpace = Utf8.isPythonSpace(cps[i]);
                if (sliceIsSpace ^ isSpace) {
                    sliceLen = 1;
                    sliceIsSpace = isSpace;
                } else {
                    sliceLen++;
                    if (sliceLen > maxRun) {
                        out.add(new String(cps, sliceStart, i - sliceStart));
                        sliceStart = i;
                        sliceLen = 1;
                    }
                }
            }
            out.add(new String(cps, sliceStart, end - sliceStart));
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
