package ai.kimitornado.cli;

import java.util.Arrays;

/** Parses and prints comma-separated token id lists ({@code 5,17,42}) — the stable CLI form. */
final class IdList {
    private IdList() {}

    static int[] parse(String text, String option) {
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException(option + ": expected a comma-separated list of token ids, got an empty string");
        }
        String[] parts = trimmed.split(",");
        int[] ids = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            try {
                ids[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": element " + i + " ('" + p + "') is not an integer token id");
            }
            if (ids[i] < 0) {
                throw new IllegalArgumentException(option + ": element " + i + " is negative (" + ids[i] + ")");
            }
        }
        return ids;
    }

    static String json(int[] ids) {
        return Arrays.toString(ids).replace(" ", "");
    }

    /** Rejects ids outside the model's vocabulary before they reach an embedding lookup. */
    static void checkVocab(int[] ids, int vocabSize, String what) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] >= vocabSize) {
                throw new IllegalArgumentException(what + ": token id " + ids[i] + " at position " + i
                        + " is outside the model vocabulary [0, " + vocabSize + ")");
            }
        }
    }
}
