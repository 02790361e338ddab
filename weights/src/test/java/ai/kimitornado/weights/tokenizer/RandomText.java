package ai.kimitornado.weights.tokenizer;

import java.util.SplittableRandom;

/** Random Unicode text biased to what tokenizers get wrong: scripts, case, marks, surrogate pairs, spaces, digits. */
final class RandomText {
    private static final String[] POOLS = {
            "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "0123456789", " ", "  \t\n\r\n",
            "'sStTmMdDrReEvVlL\u017F", ".,;:!?-_()[]{}<>/\\|@#$%^&*+=~`\"", "你好世界中文字符測試漢字々〇",
            "あいうえおカタカナー", "한국어텍스트", "ÀÉÎÕÜçñßøåæœ", "ΑΒΓαβγΩω", "АБВабв",
            "\u0301\u0308\u0327\u20DD\u0903", // combining marks (Mn, Me, Mc)
            "\u00A0\u2000\u2003\u3000\u0085\u2028\u202F\u001C\u180E", // assorted whitespace and near-misses
            "ʰʲˈˑ", // modifier letters (Lm)
            "ǅǈǋ", // titlecase (Lt)
            "²³¹½Ⅻ٣٤۵", // other numbers, letter numbers, non-ASCII digits
            "😀👍🏽🚀🎉𝐀𝐁𝐚𝐛𠀀𠀁𪚥", // supplementary: emoji, math letters (Lu/Ll), Han ext. B
            "\u200B\u200D\uFEFF\u00AD", // format chars
            "<|im_end|>[BOS]<|im_user|><|reserved_token_163600|>", // special-token material
    };

    private RandomText() {
    }

    /** A string of {@code codePoints} code points; no unpaired surrogates. */
    static String next(SplittableRandom r, int codePoints) {
        StringBuilder sb = new StringBuilder(codePoints * 2);
        String pool = POOLS[r.nextInt(POOLS.length)];
        for (int i = 0; i < codePoints; i++) {
            if (r.nextInt(4) == 0) {
                pool = POOLS[r.nextInt(POOLS.length)];
            }
            if (r.nextInt(20) == 0) {
                sb.appendCodePoint(anyCodePoint(r));
                continue;
            }
            int at = pool.offsetByCodePoints(0, r.nextInt(pool.codePointCount(0, pool.length())));
            sb.appendCodePoint(pool.codePointAt(at));
        }
        return sb.toString();
    }

    /** Any assigned-or-not code point except surrogates. */
    static int anyCodePoint(SplittableRandom r) {
        while (true) {
            int cp = r.nextInt(4) == 0 ? r.nextInt(0x110000) : r.nextInt(0x10000);
            if (!Character.isSurrogate((char) cp) || cp > 0xFFFF) {
                return cp;
            }
        }
    }

    static long seed(String testName) {
        long seed = System.nanoTime() ^ testName.hashCode();
        System.out.println(testName + " seed=" + seed);
        return seed;
    }
}
