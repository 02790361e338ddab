package ai.kimitornado.weights.tokenizer;

/**
 * The Kimi HF tokenizer's ({@code tokenization_kimi.py}) cut before tiktoken: windows of 400,000 code
 * points, and inside each window a new chunk whenever a run of whitespace or of non-whitespace
 * ({@code str.isspace()}) would exceed 25,000 code points. Each chunk is then encoded on its own, so this
 * only changes the ids of inputs with such long runs — but it does change them, hence reproduced exactly.
 */
final class LongRunSplitter {
    static final int WINDOW_CODE_POINTS = 400_000;
    static final int MAX_RUN_CODE_POINTS = 25_000;

    /** Receives chunk boundaries as UTF-16 indices. */
    interface ChunkConsumer {
        void accept(int from, int to);
    }

    private LongRunSplitter() {
    }

    static void forEachChunk(String text, ChunkConsumer consumer) {
        forEachChunk(text, WINDOW_CODE_POINTS, MAX_RUN_CODE_POINTS, consumer);
    }

    /** Parameters exposed for tests (small limits exercise the same code). */
    static void forEachChunk(String text, int window, int maxRun, ChunkConsumer consumer) {
        int n = text.length();
        if (n == 0) {
            consumer.accept(0, 0); // the HF loop yields nothing for ""; encoding an empty chunk yields nothing too
            return;
        }
        int windowStart = 0;
        while (windowStart < n) {
            int windowEnd = advance(text, windowStart, window);
            splitRuns(text, windowStart, windowEnd, maxRun, consumer);
            windowStart = windowEnd;
        }
    }

    private static int advance(String text, int from, int codePoints) {
        int i = from;
        int n = text.length();
        for (int k = 0; k < codePoints && i < n; k++) {
            i += Character.isHighSurrogate(text.charAt(i)) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1)) ? 2 : 1;
        }
        return i;
    }

    private static void splitRuns(String text, int from, int to, int maxRun, ChunkConsumer consumer) {
        int sliceStart = from;
        boolean sliceIsSpace = Utf8.isPythonSpace(text.codePointAt(from));
        int runLength = 0;
        for (int i = from; i < to; ) {
            int cp = text.codePointAt(i);
            boolean isSpace = Utf8.isPythonSpace(cp);
            if (sliceIsSpace != isSpace) {
                runLength = 1;
                sliceIsSpace = isSpace;
            } else if (++runLength > maxRun) {
                consumer.accept(sliceStart, i);
                sliceStart = i;
                runLength = 1;
            }
            i += Character.charCount(cp);
        }
        consumer.accept(sliceStart, to);
    }
}
