package ai.kimitornado.weights.tokenizer;

import java.util.Arrays;

/**
 * Turns ids into text as they are generated: {@link #feed} returns only complete characters and holds back
 * the bytes of a character split across tokens; {@link #flush} ends the stream. The concatenation of all
 * returned strings equals {@link KimiTokenizer#decode} of all ids (same U+FFFD policy, see {@link Utf8}).
 * Not thread-safe; one per stream.
 */
public final class StreamingDecoder {
    private final KimiTokenizer tokenizer;
    private byte[] pending = new byte[64]; // [pendingLength]: bytes of an unfinished character, then the new token
    private int pendingLength;
    private final StringBuilder text = new StringBuilder();

    StreamingDecoder(KimiTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    /** Adds one id; returns the characters it completes (possibly ""). Throws for an id outside the vocabulary. */
    public String feed(int id) {
        int len = tokenizer.tokenLength(id, -1);
        if (pending.length < pendingLength + len) {
            pending = Arrays.copyOf(pending, Math.max(pendingLength + len, pending.length * 2));
        }
        pendingLength = tokenizer.copyToken(id, pending, pendingLength);
        text.setLength(0);
        int consumed = Utf8.decode(pending, 0, pendingLength, text, false);
        System.arraycopy(pending, consumed, pending, 0, pendingLength - consumed);
        pendingLength -= consumed;
        return text.toString();
    }

    /** Ends the stream: held-back bytes of an unfinished character become U+FFFD. */
    public String flush() {
        text.setLength(0);
        Utf8.decode(pending, 0, pendingLength, text, true);
        pendingLength = 0;
        return text.toString();
    }

    /** Bytes held back because they do not yet form a whole character (0..3). */
    public int pendingBytes() {
        return pendingLength;
    }
}
