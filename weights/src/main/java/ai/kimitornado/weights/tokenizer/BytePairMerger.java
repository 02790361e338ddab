package ai.kimitornado.weights.tokenizer;

/**
 * tiktoken's byte-pair merge of one pre-tokenized piece: start from single bytes and repeatedly merge the
 * adjacent pair whose concatenation has the lowest rank (leftmost on ties) until no adjacent concatenation
 * is a token. Short pieces use tiktoken's own array scan (fastest for the usual 2–20 bytes); long pieces use
 * a linked list plus a binary heap of candidate pairs, O(n log n). Not thread-safe: scratch arrays are reused.
 */
final class BytePairMerger {
    /** Pieces up to this many bytes use the quadratic scan; longer ones the heap. */
    static final int HEAP_THRESHOLD = 128;
    private static final int NONE = Integer.MAX_VALUE;

    private final TiktokenVocabulary vocab;
    private final int heapThreshold;

    // scan state, [n + 1] for a piece of n bytes
    private int[] partStart = new int[64];
    private int[] pairRank = new int[64];

    // heap state, indexed by a part's start byte: [n + 1] each; heap [2n]
    private int[] next = new int[0];
    private int[] prev = new int[0];
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
    }

    /** Appends the ranks of {@code piece[0, len)} to {@code out}. */
    void encode(byte[] piece, int len, IntList out) {
        if (len == 1) {
            out.add(vocab.singleByteRank(piece[0] & 0xFF));
            return;
        }
        int whole = vocab.rank(piece, 0, len); // tiktoken emits a whole-piece token without merging
        if (whole >= 0) {
            out.add(whole);
        } else if (len <= heapThreshold) {
            mergeByScan(piece, len, out);
        } else {
            mergeByHeap(piece, len, out);
        }
    }

    private void mergeByScan(byte[] piece, int len, IntList out) {
        if (partStart.length < len + 1) {
            partStart = new int[len + 1];
            pairRank = new int[len + 1];
        }
        int[] start = partStart;
        int[] rank = pairRank;
        int parts = len; // parts i = piece[start[i], start[i + 1]); start[parts] = len
        for (int i = 0; i <= len; i++) {
            start[i] = i;
        }
        for (int i = 0; i < parts - 1; i++) {
            int r = vocab.rank(piece, i, 2);
            rank[i] = r < 0 ? NONE : r;
        }
        rank[parts - 1] = NONE;
        while (parts > 1) {
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
            // merge part at+1 into part at
            System.arraycopy(start, at + 2, start, at + 1, parts - at - 1);
            System.arraycopy(rank, at + 2, rank, at + 1, parts - at - 2);
            parts--;
            rank[at] = pairRankOf(piece, start, at, parts);
            if (at > 0) {
                rank[at - 1] = pairRankOf(piece, start, at - 1, parts);
            }
        }
        for (int i = 0; i < parts; i++) {
            out.add(vocab.rank(piece, start[i], start[i + 1] - start[i]));
        }
    }

    private int pairRankOf(byte[] piece, int[] start, int i, int parts) {
        if (i + 1 >= parts) {
            return NONE;
        }
        int r = vocab.rank(piece, start[i], start[i + 2] - start[i]);
        return r < 0 ? NONE : r;
    }

    private void mergeByHeap(byte[] piece, int len, IntList out) {
        if (next.length < len + 1) {
            int cap = Math.max(len + 1, next.length * 2);
            next = new int[cap];
            prev = new int[cap];
            rankAt = new int[cap];
            alive = new boolean[cap];
            heap = new long[2 * cap]; // each merge pops one pair and queues at most two: size < 2n
        }
        // a part is identified by its start byte; next[start] = start of the following part (len = end)
        int heapSize = 0;
        for (int i = 0; i < len; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
            alive[i] = true;
            int r = i + 1 < len ? vocab.rank(piece, i, 2) : -1;
            rankAt[i] = r < 0 ? NONE : r;
            if (r >= 0) {
                heap[heapSize] = key(r, i);
                heapSize = siftUp(heap, heapSize);
            }
        }
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
            out.add(vocab.rank(piece, at, next[at] - at));
        }
    }

    /** Recomputes the rank of the pair starting at part {@code left} and queues it when it is a token. */
    private int requeue(byte[] piece, int len, int left, int heapSize) {
        int right = next[left];
        if (right >= len) {
            rankAt[left] = NONE;
            return heapSize;
        }
        int r = vocab.rank(piece, left, next[right] - left);
        rankAt[left] = r < 0 ? NONE : r;
        if (r >= 0) {
            heap[heapSize] = key(r, left);
            heapSize = siftUp(heap, heapSize);
        }
        return heapSize;
    }

    private static long key(int rank, int start) {
        return ((long) rank << 32) | start;
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
