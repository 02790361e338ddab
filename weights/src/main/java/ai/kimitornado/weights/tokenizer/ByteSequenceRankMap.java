package ai.kimitornado.weights.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing hash map from byte sequences (token bytes) to ranks, looked up by a range of a caller's
 * array so the BPE inner loop never allocates. Keys live concatenated in one pool; a slot packs the
 * key's 32-bit hash with its rank, so most mismatching probes are rejected without touching the pool.
 */
final class ByteSequenceRankMap {
    private static final int EMPTY = -1;

    private final byte[] pool;          // all keys back to back
    private final int[] keyOffset;      // [rank + 1]: key of rank r is pool[keyOffset[r], keyOffset[r + 1])
    private final long[] slots;         // [capacity]: (hash << 32) | rank, or EMPTY
    private final int mask;

    /**
     * @param pool      token bytes of ranks 0..n-1 back to back
     * @param keyOffset [n + 1] start of each rank's bytes in {@code pool}, then the end
     * @throws DuplicateKeyException when two ranks have the same bytes
     */
    ByteSequenceRankMap(byte[] pool, int[] keyOffset) {
        this(pool, keyOffset, 1);
    }

    /** Holds only the ranks whose bytes are at least {@code minLength} long (shorter keys live in faster tables). */
    ByteSequenceRankMap(byte[] pool, int[] keyOffset, int minLength) {
        this.pool = pool;
        this.keyOffset = keyOffset;
        int n = 0;
        for (int rank = 0; rank + 1 < keyOffset.length; rank++) {
            n += keyOffset[rank + 1] - keyOffset[rank] >= minLength ? 1 : 0;
        }
        int capacity = Math.max(4, Integer.highestOneBit(Math.max(1, 2 * n - 1)) << 1); // load factor <= 1/2
        this.slots = new long[capacity];
        this.mask = capacity - 1;
        Arrays.fill(slots, EMPTY);
        for (int rank = 0; rank + 1 < keyOffset.length; rank++) {
            int start = keyOffset[rank];
            int len = keyOffset[rank + 1] - start;
            if (len < minLength) {
                continue;
            }
            int h = hash(pool, start, len);
            int i = spread(h) & mask;
            while (slots[i] != EMPTY) {
                int other = (int) slots[i];
                if ((int) (slots[i] >>> 32) == h && sameKey(other, pool, start, len)) {
                    throw new DuplicateKeyException(other, rank);
                }
                i = (i + 1) & mask;
            }
            slots[i] = ((long) h << 32) | rank;
        }
    }

    /** Rank of {@code bytes[off, off + len)}, or -1 when it is not a key. */
    int get(byte[] bytes, int off, int len) {
        return get(bytes, off, len, hash(bytes, off, len));
    }

    /** As {@link #get(byte[], int, int)} with the range's {@link #hash} already known (e.g. by {@link #concat}). */
    int get(byte[] bytes, int off, int len, int h) {
        int i = spread(h) & mask;
        long slot;
        while ((slot = slots[i]) != EMPTY) {
            if ((int) (slot >>> 32) == h && sameKey((int) slot, bytes, off, len)) {
                return (int) slot;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private boolean sameKey(int rank, byte[] bytes, int off, int len) {
        int start = keyOffset[rank];
        return keyOffset[rank + 1] - start == len
                && Arrays.equals(pool, start, start + len, bytes, off, off + len);
    }

    private static final int BASE = 0x01000193; // odd: multiplication is invertible mod 2^32
    private static final int[] POWER = new int[1025]; // [1025]: BASE^n mod 2^32

    static {
        POWER[0] = 1;
        for (int i = 1; i < POWER.length; i++) {
            POWER[i] = POWER[i - 1] * BASE;
        }
    }

    /**
     * Polynomial hash {@code sum (b_i + 1) * BASE^(len-1-i)} mod 2^32. Being polynomial, the hash of a
     * concatenation follows from the hashes of its halves ({@link #concat}), so BPE never rehashes bytes.
     */
    static int hash(byte[] bytes, int off, int len) {
        int h = 0;
        for (int i = off, end = off + len; i < end; i++) {
            h = h * BASE + (bytes[i] & 0xFF) + 1;
        }
        return h;
    }

    /** Hash of {@code left ++ right} from their hashes; {@code rightLength} at most 1024. */
    static int concat(int leftHash, int rightHash, int rightLength) {
        return leftHash * POWER[rightLength] + rightHash;
    }

    /** Slot index bits: a murmur3 finalizer so similar polynomial hashes land far apart. */
    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }

    /** Two ranks have the same bytes. */
    static final class DuplicateKeyException extends RuntimeException {
        final int firstRank;
        final int secondRank;

        DuplicateKeyException(int firstRank, int secondRank) {
            super("ranks " + firstRank + " and " + secondRank + " have the same bytes", null, false, false);
            this.firstRank = firstRank;
            this.secondRank = secondRank;
        }
    }
}
