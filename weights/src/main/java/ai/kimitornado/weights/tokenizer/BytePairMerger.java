package ai.kimitornado.weights.tokenizer;

/**
 * tiktoken's byte-pair merge of one pre-tokenized piece: start from single bytes and repeatedly merge the
 * adjacent pair whose concatenation has the lowest rank (leftmost on ties) until no adjacent concatenation
 * is a token. Short pieces use tiktoken's own array scan (fastest below ~16 bytes); long pieces a
 * linked list plus a binary heap of candidate pairs, O(n log n). Each part carries its polynomial hash, so a
 * pair's lookup hashes nothing ({@link ByteSequenceRankMap#concat}), and pairs longer than the longest token
 * are never looked up. Not thread-safe: scratch arrays are reused.
 */
final class BytePairMerger {
    /** Pieces up to this many bytes use the quadratic scan; longer ones the heap. */
    static final int HEAP_THRESHOLD = 16;
    private static final int NONE = Integer.MAX_VALUE;

    private final TiktokenVocabulary vocab;
    private final int heapThreshold;
    private final int maxTokenLength;

    // scan state, [n + 1] for a piece of n bytes: part i = piece[start[i], start[i + 1])
    private int[] start = new int[64];
    private int[] partHash = new int[64];
    private int[] pairRank = new int[64]; // rank of part i ++ part i+1, or NONE

    // heap state, indexed by a part's start byte: [n + 1] each; heap [2n]
    private int[] next = new int[0];
    private int[] prev = new int[0];
    private int[] nodeHash = new int[0];
    private int[] rankAt = new int[0];   // rank of the pair (part starting here, next part), or NONE
    private boolean[] alive = new boolean[0];
    private long[] heap = new long[0];   // (rank << 32) | start, min-heap: lowest rank, then leftmost

    BytePairMerger(TiktokenVocabulary vocab) {
        this(vocab, HEAP_THRESHOLD);
    }

    /** @param heapThreshold pieces longer than this use the heap (tests force either path) */
    BytePairMerger(TiktokenVocabulary vocab, int heapThreshold) {
        this.vocab = vocab;
        this.heapThreshold = heapThreshold;
        this.maxTokenLength = vocab.maxTokenLength();
    }

    /** Appends the ranks of {@code piece[0, len)} to {@code out}. */
    void encode(byte[] piece, int len, IntList out) {
        if (len == 1) {
            out.add(vocab.singleByteRank(piece[0] & 0xFF));
            return;
        }
        int whole = len <= maxTokenLength ? vocab.rank(piece, 0, len) : -1; // tiktoken emits a whole-piece token as is
        if (whole >= 0) {
            out.add(whole);
        } else if (len <= heapThreshold) {
            mergeByScan(piece, len, out);
        } else {
            mergeByHeap(piece, len, out);
        }
    }

    private void mergeByScan(byte[] piece, int len, IntList out) {
        if (start.length < len + 1) {
            start = new int[len + 1];
            partHash = new int[len + 1];
            pairRank = new int[len + 1];
        }
        int[] st = start;
        int[] h = partHash;
        int[] rank = pairRank;
        int parts = len;
        for (int i = 0; i < len; i++) {
            st[i] = i;
            h[i] = (piece[i] & 0xFF) + 1; // ByteSequenceRankMap.hash of one byte
        }
        st[len] = len;
        for (int i = 0; i < parts - 1; i++) {
            rank[i] = pairRank(piece, st[i], 1, h[i], h[i + 1], 1);
        }
        rank[parts - 1] = NONE;
        while (true) {
            int best = NONE;
            int at = -1;
            for (int i = 0; i < parts - 1; i++) {
                if (rank[i] < best) {
                    best = rank[i];
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            // part at absorbs part at+1
            h[at] = ByteSequenceRankMap.concat(h[at], h[at + 1], st[at + 2] - st[at + 1]);
            int tail = parts - at - 2;
            System.arraycopy(st, at + 2, st, at + 1, tail + 1);
            System.arraycopy(h, at + 2, h, at + 1, tail);
            System.arraycopy(rank, at + 2, rank, at + 1, tail);
            parts--;
            rank[at] = at + 1 < parts
                    ? pairRank(piece, st[at], st[at + 1] - st[at], h[at], h[at + 1], st[at + 2] - st[at + 1]) : NONE;
            if (at > 0) {
                rank[at - 1] = pairRank(piece, st[at - 1], st[at] - st[at - 1], h[at - 1], h[at], st[at + 1] - st[at]);
            }
        }
        for (int i = 0; i < parts; i++) {
            out.add(vocab.rank(piece, st[i], st[i + 1] - st[i], h[i]));
        }
    }

    /** Rank of the concatenation of two adjacent parts, or NONE. */
    private int pairRank(byte[] piece, int from, int leftLength, int leftHash, int rightHash, int rightLength) {
        int total = leftLength + rightLength;
        if (total > maxTokenLength) {
            return NONE;
        }
        int r = vocab.rank(piece, from, total, ByteSequenceRankMap.concat(leftHash, rightHash, rightLength));
        return r < 0 ? NONE : r;
    }

    private void mergeByHeap(byte[] piece, int len, IntList out) {
        if (next.length < len + 1) {
            int cap = Math.max(len + 1, next.length * 2);
            next = new int[cap];
            prev = new int[cap];
            nodeHash = new int[cap];
            rankAt = new int[cap];
            alive = new boolean[cap];
            heap = new long[2 * cap]; // each merge pops one pair and queues at most two: size < 2n
        }
        // a part is identified by its start byte; next[start] = start of the following part (len = end)
        for (int i = 0; i < len; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
            alive[i] = true;
            nodeHash[i] = (piece[i] & 0xFF) + 1;
        }
        int heapSize = 0;
        for (int i = 0; i + 1 < len; i++) {
            heapSize = requeue(piece, len, i, heapSize);
        }
        rankAt[len - 1] = NONE;
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heap, heapSize);
            int left = (int) top;
            int r = (int) (top >>> 32);
            if (!alive[left] || rankAt[left] != r) {
                continue; // stale: the pair changed since it was queued
            }
            int right = next[left];
            int afterRight = next[right];
            nodeHash[left] = ByteSequenceRankMap.concat(nodeHash[left], nodeHash[right], afterRight - right);
            alive[right] = false;
            next[left] = afterRight;
            if (afterRight < len) {
                prev[afterRight] = left;
            }
            heapSize = requeue(piece, len, left, heapSize);
            int before = prev[left];
            if (before >= 0) {
                heapSize = requeue(piece, len, before, heapSize);
            }
        }
        for (int at = 0; at < len; at = next[at]) {
            out.add(vocab.rank(piece, at, next[at] - at, nodeHash[at]));
        }
    }

    /** Recomputes the rank of the pair starting at part {@code left} and queues it when it is a token. */
    private int requeue(byte[] piece, int len, int left, int heapSize) {
        int right = next[left];
        if (right >= len) {
            rankAt[left] = NONE;
            return heapSize;
        }
        int r = pairRank(piece, left, right - left, nodeHash[left], nodeHash[right], next[right] - right);
        rankAt[left] = r;
        if (r != NONE) {
            heap[heapSize] = ((long) r << 32) | left;
            heapSize = siftUp(heap, heapSize);
        }
        return heapSize;
    }

    /** Sifts up the element just written at {@code heap[size]}; returns the new size. */
    private static int siftUp(long[] heap, int size) {
        int i = size;
        long x = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= x) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = x;
        return size + 1;
    }

    /** Removes heap[0]; returns the new size. */
    private static int pop(long[] heap, int size) {
        int n = size - 1;
        long x = heap[n];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= n) {
                break;
            }
            if (child + 1 < n && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= x) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        if (n > 0) {
            heap[i] = x;
        }
        return n;
    }
}
