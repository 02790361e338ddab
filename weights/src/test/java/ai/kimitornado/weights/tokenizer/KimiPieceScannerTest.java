package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The hand-written scanner must cut exactly where the Kimi regex (java.util.regex translation) cuts. */
class KimiPieceScannerTest {

    @Test
    void classBitsAgreeWithTheRegexClassesForEveryCodePoint() {
        String[] regexes = {"[\\p{IsHan}]", "\\p{L}", "\\p{N}", "\\s", "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]",
                "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]", "[\\r\\n]"};
        int[] bits = {KimiPieceScanner.HAN, KimiPieceScanner.LETTER, KimiPieceScanner.NUMBER, KimiPieceScanner.SPACE,
                KimiPieceScanner.UPPERISH, KimiPieceScanner.LOWERISH, KimiPieceScanner.CRLF};
        Matcher[] matchers = new Matcher[regexes.length];
        for (int k = 0; k < regexes.length; k++) {
            matchers[k] = Pattern.compile(regexes[k], Pattern.UNICODE_CHARACTER_CLASS).matcher("");
        }
        StringBuilder one = new StringBuilder(2);
        int mismatches = 0;
        StringBuilder report = new StringBuilder();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            one.setLength(0);
            one.appendCodePoint(cp);
            int cls = KimiPieceScanner.classOf(cp);
            for (int k = 0; k < regexes.length; k++) {
                boolean regex = matchers[k].reset(one).matches();
                if (regex != ((cls & bits[k]) != 0) && mismatches++ < 10) {
                    report.append(String.format("U+%04X %s regex=%s%n", cp, regexes[k], regex));
                }
            }
        }
        assertEquals(0, mismatches, report.toString());
    }

    @Test
    void sameSplitsAsTheRegexOnRandomText() {
        long seed = RandomText.seed("sameSplitsAsTheRegexOnRandomText");
        SplittableRandom r = new SplittableRandom(seed);
        for (int n = 0; n < 20_000; n++) {
            String s = RandomText.next(r, r.nextInt(40));
            assertSameSplits(s, "seed " + seed + " case " + n);
        }
    }

    /**
     * Both matchers see a code point only through its class bits (checked above for all code points) and a few
     * literal chars, so representatives of every class (plus those chars), each in many contexts, cover all
     * inputs of those shapes.
     */
    @Test
    void sameSplitsForRepresentativesOfEveryClassInContexts() {
        java.util.Map<Integer, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                continue;
            }
            List<Integer> reps = byClass.computeIfAbsent(KimiPieceScanner.classOf(cp), k -> new ArrayList<>());
            if (reps.size() < 6 || (cp > 0xFFFF && reps.stream().allMatch(c -> c <= 0xFFFF))) {
                reps.add(cp);
            }
        }
        List<Integer> samples = new ArrayList<>();
        byClass.values().forEach(samples::addAll);
        for (char c : " '\r\nsStTmMdDrReEvVlL\u017F\t\u00A0\u3000".toCharArray()) {
            samples.add((int) c);
        }
        String[] contexts = {"%s", "a%s", " %s", "A%sb", "%s's", "x%s\n", "%s%s", "%s1234", " %s  x", "中%s", "%s\u0301a",
                "%s'LL", "\u0301%sB", "AB%s", "%s\r\n ", "  %s", "%s!", " %s'", "ʰ%sa", "%sʰ", "1%s", "%s\u0301\u0301"};
        for (int cp : samples) {
            String c = Character.toString(cp);
            for (String ctx : contexts) {
                assertSameSplits(ctx.replace("%s", c), String.format("U+%04X (class %d) in '%s'", cp, KimiPieceScanner.classOf(cp), ctx));
            }
        }
        System.out.println("scanner vs regex: " + samples.size() + " representatives of " + byClass.size() + " classes x "
                + contexts.length + " contexts");
    }

    @Test
    void contractionsAndCaseFolding() {
        for (String s : new String[] {"I'm", "WE'LL", "they've", "it'S", "x'ſ", "A'RE", "don't'", "'s", "a's's", "ǅ'd", "ʰ'll"}) {
            assertSameSplits(s, s);
        }
    }

    static void assertSameSplits(String s, String what) {
        List<String> expected = new ArrayList<>();
        KimiSplitPattern.split(s, 0, s.length(), (a, b) -> expected.add(s.substring(a, b)));
        List<String> actual = new ArrayList<>();
        KimiPieceScanner.split(s, 0, s.length(), (a, b) -> actual.add(s.substring(a, b)));
        if (!expected.equals(actual)) {
            fail(what + ": " + KimiTokenizerCasesTest.quoted(s) + "\n regex   " + show(expected) + "\n scanner " + show(actual));
        }
    }

    private static String show(List<String> pieces) {
        List<String> q = new ArrayList<>();
        pieces.forEach(p -> q.add(KimiTokenizerCasesTest.quoted(p)));
        return q.toString();
    }
}
