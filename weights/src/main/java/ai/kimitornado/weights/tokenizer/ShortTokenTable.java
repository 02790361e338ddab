package ai.kimitornado.weights.tokenizer;

import java.util.Arrays;

/**
 * Ranks of tokens of 2 to 8 bytes, the lookups BPE makes most, in tables small enough to stay mostly in
 * cache: 2-byte keys index a direct table; 3–5-byte keys (a CJK character is 3) live packed with their rank
 * in one long per slot; 6–8-byte keys sit beside their rank in two adjacent longs. A hit costs one cache line
 * and no byte comparison; all tables use open addressing at load factor at most 1/2.
 */
final class ShortTokenTable {
    static final int MAX_LENGTH = 8;
    private static final int KEY_BITS = 43;                // 5 key bytes + 3 length bits
    private static final long KEY_MASK = (1L << KEY_BITS) - 1;
    private static final int MAX_PACKED_RANK = (1 << (64 - KEY_BITS)) - 2;

    private final int[] twoByte = new int[1 << 16]; // [65536]: rank of (b0 | b1 << 8), or -1
    private final long[] small;                      // [capacity]: key | length << 40 | (rank + 1) << 43; 0 = free
    private final int smallMask;
    private final long[] large;                      // [2 * capacity]: packed key, then (length << 32) | rank; -1 value = free
    private final int largeMask;

    /** @throws ByteSequenceRankMap.DuplicateKeyException when two ranks have the same bytes */
    ShortTokenTable(byte[] pool, int[] offset) {
        if (offset.length - 1 > MAX_PACKED_RANK) {
            throw new IllegalArgumentException("vocabulary of " + (offset.length - 1) + " tokens exceeds the "
                    + MAX_PACKED_RANK + " that ShortTokenTable packs");
        }
        Arrays.fill(twoByte, -1);
        int nSmall = 0;
        int nLarge = 0;
        for (int r = 0; r + 1 < offset.length; r++) {
            int len = offset[r + 1] - offset[r];
            nSmall += len >= 3 && len <= 5 ? 1 : 0;
            nLarge += len >= 6 && len <= MAX_LENGTH ? 1 : 0;
        }
        small = new long[capacityFor(nSmall)];
        smallMask = small.length - 1;
        int largeCapacity = capacityFor(nLarge);
        large = new long[2 * largeCapacity];
        largeMask = largeCapacity - 1;
        for (int i = 1; i < large.length; i += 2) {
            large[i] = -1;
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
            } else if (len >= 3 && len <= 5) {
                long key = pack(pool, start, len) | (long) len << 40;
                int i = slot(key, smallMask);
                while (small[i] != 0) {
                    if ((small[i] & KEY_MASK) == key) {
                        throw new ByteSequenceRankMap.DuplicateKeyException((int) (small[i] >>> KEY_BITS) - 1, rank);
                    }
                    i = (i + 1) & smallMask;
                }
                small[i] = key | (long) (rank + 1) << KEY_BITS;
            } else if (len >= 6 && len <= MAX_LENGTH) {
                long key = pack(pool, start, len);
                int i = slot(key ^ len, largeMask);
                while (large[2 * i + 1] != -1) {
                    if (large[2 * i] == key && (int) (large[2 * i + 1] >>> 32) == len) {
                        throw new ByteSequenceRankMap.DuplicateKeyException((int) large[2 * i + 1], rank);
                    }
                    i = (i + 1) & largeMask;
                }
                large[2 * i] = key;
                large[2 * i + 1] = ((long) len << 32) | rank;
            }
        }
    }

    /** Rank of {@code bytes[off, off + len)} for {@code 2 <= len <= 8}, or -1. */
    int get(byte[] bytes, int off, int len) {
        if (len == 2) {
            return twoByte[(bytes[off] & 0xFF) | (bytes[off + 1] & 0xFF) << 8];
        }
        if (len <= 5) {
            long key = pack(bytes, off, len) | (long) len << 40;
            int i = slot(key, smallMask);
            long s;
            while ((s = small[i]) != 0) {
                if ((s & KEY_MASK) == key) {
                    return (int) (s >>> KEY_BITS) - 1;
                }
                i = (i + 1) & smallMask;
            }
            return -1;
        }
        long key = pack(bytes, off, len);
        int i = slot(key ^ len, largeMask);
        long value;
        while ((value = large[2 * i + 1]) != -1) {
            if (large[2 * i] == key && (int) (value >>> 32) == len) {
                return (int) value;
            }
            i = (i + 1) & largeMask;
        }
        return -1;
    }

    /** Smallest power of two holding {@code n} keys at load factor at most 1/2. */
    private static int capacityFor(int n) {
        return Math.max(4, Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1);
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    private static long pack(byte[] b, int off, int len) {
        long k = 0;
        for (int i = len - 1; i >= 0; i--) {
            k = (k << 8) | (b[off + i] & 0xFF);
        }
        return k;
    }
}
