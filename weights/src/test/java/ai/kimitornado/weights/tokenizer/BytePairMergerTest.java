package ai.kimitornado.weights.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Scan and heap merges against a plainly written reference of tiktoken's merge rule, on the real vocabulary. */
class BytePairMergerTest {
    private static final TiktokenVocabulary VOCAB = loadVocab();

    private static TiktokenVocabulary loadVocab() {
        try {
            return TiktokenVocabulary.load(TokenizerFixtures.dir().resolve("tiktoken.model"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void scanHeapAndReferenceAgreeOnRandomPieces() {
        long seed = RandomText.seed("scanHeapAndReferenceAgreeOnRandomPieces");
        SplittableRandom r = new SplittableRandom(seed);
        BytePairMerger scan = new BytePairMerger(VOCAB, Integer.MAX_VALUE);
        BytePairMerger heap = new BytePairMerger(VOCAB, 1);
        int merged = 0;
        for (int n = 0; n < 3000; n++) {
            byte[] piece = switch (n % 4) {
                case 0 -> RandomText.next(r, 1 + r.nextInt(30)).getBytes(StandardCharsets.UTF_8);
                case 1 -> randomBytes(r, 1 + r.nextInt(40));
                case 2 -> "ab".repeat(1 + r.nextInt(60)).getBytes(StandardCharsets.UTF_8);
                default -> RandomText.next(r, 30 + r.nextInt(60)).getBytes(StandardCharsets.UTF_8);
            };
            int[] expected = reference(piece);
            int[] viaScan = run(scan, piece);
            int[] viaHeap = run(heap, piece);
            String what = "seed " + seed + " piece " + n + " " + Arrays.toString(piece);
            assertArrayEquals(expected, viaScan, "scan: " + what);
            assertArrayEquals(expected, viaHeap, "heap: " + what);
            assertArrayEquals(piece, concat(expected), "tokens must spell the piece: " + what);
            merged += expected.length < piece.length ? 1 : 0;
        }
        assertEquals(true, merged > 1500, "most pieces should merge something; merged " + merged);
    }

    @Test
    void longRunsMergeAsInTiktoken() {
        BytePairMerger merger = new BytePairMerger(VOCAB);
        for (String s : new String[] {"a".repeat(40), "a".repeat(600), " ".repeat(377), "😀".repeat(100), "中文".repeat(120)}) {
            byte[] piece = s.getBytes(StandardCharsets.UTF_8);
            assertArrayEquals(reference(piece), run(merger, piece), s.substring(0, 3) + " x" + s.length());
        }
    }

    private static int[] run(BytePairMerger m, byte[] piece) {
        IntList out = new IntList(8);
        m.encode(piece, piece.length, out);
        return out.toArray();
    }

    /** tiktoken's rule written plainly: whole piece if it is a token, else merge the lowest-ranked adjacent pair, leftmost first. */
    static int[] reference(byte[] piece) {
        int whole = VOCAB.rank(piece, 0, piece.length);
        if (whole >= 0) {
            return new int[] {whole};
        }
        List<byte[]> parts = new ArrayList<>();
        for (byte b : piece) {
            parts.add(new byte[] {b});
        }
        while (true) {
            int best = Integer.MAX_VALUE;
            int at = -1;
            for (int i = 0; i + 1 < parts.size(); i++) {
                byte[] pair = concat(parts.get(i), parts.get(i + 1));
                int rank = VOCAB.rank(pair, 0, pair.length);
                if (rank >= 0 && rank < best) {
                    best = rank;
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            parts.set(at, concat(parts.get(at), parts.remove(at + 1)));
        }
        int[] ranks = new int[parts.size()];
        for (int i = 0; i < ranks.length; i++) {
            ranks[i] = VOCAB.rank(parts.get(i), 0, parts.get(i).length);
        }
        return ranks;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static byte[] concat(int[] ranks) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int r : ranks) {
            out.writeBytes(VOCAB.tokenBytes(r));
        }
        return out.toByteArray();
    }

    private static byte[] randomBytes(SplittableRandom r, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) r.nextInt(256);
        }
        return b;
    }
}
