package ai.kimitornado.weights.tokenizer;

import java.util.Arrays;

/**
 * Ranks of tokens of 2 to 8 bytes, the lookups BPE makes most: 2-byte keys index a direct table; 3–8-byte
 * keys are packed into a long and found by open addressing in one array where key and value sit side by
 * side, so a hit costs one cache line and no byte comparison.
 */
final class ShortTokenTable {
    static final int MAX_LENGTH = 8;
    private static final long EMPTY = -1L;

    private final int[] twoByte = new int[1 << 16]; // [65536]: rank of (b0 | b1 << 8), or -1
    private final long[] table;                      // [2 * capacity]: packed key, then (length << 32) | rank; EMPTY value = free
    private final int mask;

    /** @throws ByteSequenceRankMap.DuplicateKeyException when two ranks have the same bytes */
    ShortTokenTable(byte[] pool, int[] offset) {
        Arrays.fill(twoByte, -1);
        int n = 0;
        for (int r = 0; r + 1 < offset.length; r++) {
            int len = offset[r + 1] - offset[r];
            n += len > 2 && len <= MAX_LENGTH ? 1 : 0;
        }
        int capacity = Integer.highestOneBit(Math.max(4, n * 2)) << 1; // load factor <= 1/2
        mask = capacity - 1;
        table = new long[2 * capacity];
        for (int i = 1; i < table.length; i += 2) {
            table[i] = EMPTY;
        }
        for (int rank = 0; rank + 1 < offset.length; rank++) {
            int start = offset[rank];
            int len = offset[rank + 1] - start;
            if (len == 2) {
                int k = (pool[start] & 0xFF) | (pool[start + 1] & 0xFF) << 8;
                if (twoByte[k] >= 0) {
                    throw new ByteSequenceRankMap.DuplicateKeyException(twoByte[k], rank);
                }
                twoByte[k] = rank;
            } else if (len > 2 && len <= MAX_LENGTH) {
                long key = pack(pool, start, len);
                int i = slot(key, len);
                while (table[2 * i + 1] != EMPTY) {
                    if (table[2 * i] == key && (int) (table[2 * i + 1] >>> 32) == len) {
                        throw new ByteSequenceRankMap.DuplicateKeyException((int) table[2 * i + 1], rank);
                    }
                    i = (i + 1) & mask;
                }
                table[2 * i] = key;
                table[2 * i + 1] = ((long) len << 32) | rank;
            }
        }
    }

    /** Rank of {@code bytes[off, off + len)} for {@code 2 <= len <= 8}, or -1. */
    int get(byte[] bytes, int off, int len) {
        if (len == 2) {
            return twoByte[(bytes[off] & 0xFF) | (bytes[off + 1] & 0xFF) << 8];
        }
        long key = pack(bytes, off, len);
        int i = slot(key, len);
        long value;
        while ((value = table[2 * i + 1]) != EMPTY) {
            if (table[2 * i] == key && (int) (value >>> 32) == len) {
                return (int) value;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private int slot(long key, int len) {
        long h = (key ^ len) * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    private static long pack(byte[] b, int off, int len) {
        long k = 0;
        for (int i = len - 1; i >= 0; i--) {
            k = (k << 8) | (b[off + i] & 0xFF);
        }
        return k;
    }
}
