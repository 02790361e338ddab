package ai.kimitornado.weights.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kimi pre-tokenization regex (tiktoken {@code pat_str} of {@code tokenization_kimi.py}, KIMI_LINEAR.md
 * §4.2) in java.util.regex. Translation notes: {@code \p{Han}} is spelled {@code \p{IsHan}} (script);
 * {@code &&[^...]} is class intersection in both dialects; {@link Pattern#UNICODE_CHARACTER_CLASS} makes
 * {@code \s}/{@code \S} Unicode White_Space like Rust's regex and implies Unicode case folding for
 * {@code (?i:'s|...)} (so {@code 'ſ} matches like in Rust). Alternation is leftmost-first in both.
 */
final class KimiSplitPattern {
    private static final String UPPER_ISH = "[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]";
    private static final String LOWER_ISH = "[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}&&[^\\p{IsHan}]]";
    private static final String CONTRACTION = "(?i:'s|'t|'re|'ve|'m|'ll|'d)?";

    /** The eight alternatives in tiktoken order. */
    static final String REGEX = String.join("|",
            "[\\p{IsHan}]+",
            "[^\\r\\n\\p{L}\\p{N}]?" + UPPER_ISH + "*" + LOWER_ISH + "+" + CONTRACTION,
            "[^\\r\\n\\p{L}\\p{N}]?" + UPPER_ISH + "+" + LOWER_ISH + "*" + CONTRACTION,
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+");

    static final Pattern PATTERN = Pattern.compile(REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    /** Receives one piece as UTF-16 indices. */
    interface PieceConsumer {
        void accept(int from, int to);
    }

    private KimiSplitPattern() {
    }

    /**
     * Splits {@code text[from, to)} into pieces. The range is matched as a string of its own (opaque region
     * bounds), like tiktoken does for each span between special tokens, so {@code (?!\S)} does not see past it.
     */
    static void split(CharSequence text, int from, int to, PieceConsumer consumer) {
        Matcher m = PATTERN.matcher(text);
        m.region(from, to);
        while (m.find()) {
            consumer.accept(m.start(), m.end());
        }
    }
}
