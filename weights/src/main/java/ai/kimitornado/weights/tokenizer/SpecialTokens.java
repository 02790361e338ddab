package ai.kimitornado.weights.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The special ids {@code first .. first + count - 1} right after the base vocabulary, with their strings,
 * and a character trie that finds their literal occurrences in text.
 */
final class SpecialTokens {
    private final int firstId;
    private final String[] names;      // [count]
    private final byte[][] utf8;       // [count]: names[i] as UTF-8
    private final Map<String, Integer> idByName = new HashMap<>();
    private final TrieNode root = new TrieNode();
    private final boolean[] startsName = new boolean[Character.MAX_VALUE + 1]; // [65536]: cheap reject per char

    /**
     * @param names name of id {@code firstId + i}; must be distinct and non-empty
     */
    SpecialTokens(int firstId, String[] names) {
        this.firstId = firstId;
        this.names = names.clone();
        this.utf8 = new byte[names.length][];
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("special token id " + (firstId + i) + " has an empty name");
            }
            Integer previous = idByName.putIfAbsent(name, firstId + i);
            if (previous != null) {
                throw new IllegalArgumentException("special token '" + name + "' names both id " + previous + " and id " + (firstId + i));
            }
            utf8[i] = name.getBytes(StandardCharsets.UTF_8);
            startsName[name.charAt(0)] = true;
            TrieNode node = root;
            for (int k = 0; k < name.length(); k++) {
                node = node.children.computeIfAbsent(name.charAt(k), c -> new TrieNode());
            }
            node.id = firstId + i;
        }
    }

    int firstId() {
        return firstId;
    }

    int count() {
        return names.length;
    }

    boolean contains(int id) {
        return id >= firstId && id < firstId + names.length;
    }

    String name(int id) {
        return names[id - firstId];
    }

    byte[] bytes(int id) {
        return utf8[id - firstId];
    }

    OptionalInt id(String name) {
        Integer id = idByName.get(name);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /**
     * Finds the first special token in {@code text[from, to)}: its id in the low 32 bits and its start in
     * the high 32 bits, or -1. At one start the longest name wins (the Kimi names never prefix each other).
     */
    long findNext(CharSequence text, int from, int to) {
        Map<Character, TrieNode> first = root.children;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (!startsName[c]) {
                continue;
            }
            TrieNode node = first.get(c);
            if (node == null) {
                continue;
            }
            int matchId = node.id;
            for (int k = i + 1; k < to && !node.children.isEmpty(); k++) {
                node = node.children.get(text.charAt(k));
                if (node == null) {
                    break;
                }
                if (node.id >= 0) {
                    matchId = node.id;
                }
            }
            if (matchId >= 0) {
                return ((long) i << 32) | matchId;
            }
        }
        return -1;
    }

    private static final class TrieNode {
        final Map<Character, TrieNode> children = new HashMap<>();
        int id = -1;
    }
}
