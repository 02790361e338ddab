package ai.kimitornado.tasks.emit.spirv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable stream of 32-bit SPIR-V words with instruction framing. */
final class SpirvWords {
    private int[] words = new int[256];
    private int size;

    void add(int word) {
        if (size == words.length) {
            words = Arrays.copyOf(words, size * 2);
        }
        words[size++] = word;
    }

    void addAll(SpirvWords other) {
        for (int i = 0; i < other.size; i++) {
            add(other.words[i]);
        }
    }

    int size() {
        return size;
    }

    /** Writes one instruction: first word is (word count << 16) | opcode. */
    void instruction(int opcode, int... operands) {
        int count = operands.length + 1;
        if (count > 0xFFFF) {
            throw new IllegalStateException("SPIR-V instruction too long: opcode " + opcode);
        }
        add((count << 16) | opcode);
        for (int operand : operands) {
            add(operand);
        }
    }

    /** A literal string: UTF-8, nul-terminated, padded with zeros to a word boundary, little-endian. */
    static int[] literalString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[utf8.length / 4 + 1];
        for (int i = 0; i < utf8.length; i++) {
            out[i / 4] |= (utf8[i] & 0xFF) << (8 * (i % 4));
        }
        return out;
    }

    static int[] concat(int[] a, int... b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(size * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < size; i++) {
            buffer.putInt(words[i]);
        }
        return buffer.array();
    }
}
