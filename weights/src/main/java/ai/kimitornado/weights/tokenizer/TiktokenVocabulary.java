package ai.kimitornado.weights.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The mergeable ranks of a tiktoken BPE file: one line per token, {@code <base64 of the token bytes> <rank>}.
 * Ranks must be exactly 0..n-1 (each once) because ids of special tokens start at n.
 */
final class TiktokenVocabulary {
    private final byte[] pool;        // token bytes of rank 0..n-1 back to back
    private final int[] offset;       // [n + 1]: rank r is pool[offset[r], offset[r + 1])
    private final ShortTokenTable shortRanks;  // tokens of 2..8 bytes
    private final ByteSequenceRankMap longRanks; // tokens of 9+ bytes
    private final int[] singleByteRank = new int[256]; // [256]: rank of each one-byte token
    private final int maxTokenLength;

    private TiktokenVocabulary(byte[] pool, int[] offset, String file) {
        this.pool = pool;
        this.offset = offset;
        int longest = 0;
        for (int r = 0; r + 1 < offset.length; r++) {
            longest = Math.max(longest, offset[r + 1] - offset[r]);
        }
        if (longest > 1024) {
            throw new TokenizerFormatException(file + ": a token of " + longest + " bytes; at most 1024 are supported");
        }
        this.maxTokenLength = longest;
        try {
            this.shortRanks = new ShortTokenTable(pool, offset);
            this.longRanks = new ByteSequenceRankMap(pool, offset, ShortTokenTable.MAX_LENGTH + 1);
        } catch (ByteSequenceRankMap.DuplicateKeyException e) {
            throw new TokenizerFormatException(file + ": ranks " + e.firstRank + " and " + e.secondRank
                    + " have the same token bytes; every token must be unique");
        }
        java.util.Arrays.fill(singleByteRank, -1);
        for (int r = 0; r < offset.length - 1; r++) {
            if (offset[r + 1] - offset[r] == 1) {
                int b = pool[offset[r]] & 0xFF;
                if (singleByteRank[b] >= 0) {
                    throw new TokenizerFormatException(file + ": ranks " + singleByteRank[b] + " and " + r
                            + " have the same token bytes; every token must be unique");
                }
                singleByteRank[b] = r;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (singleByteRank[b] < 0) {
                throw new TokenizerFormatException(file + ": no token for the single byte 0x"
                        + Integer.toHexString(b) + "; byte-level BPE needs all 256 single bytes");
            }
        }
    }

    static TiktokenVocabulary load(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Parses the file content; {@code file} only names the source in error messages. */
    static TiktokenVocabulary parse(byte[] content, String file) {
        int lineCount = countLines(content);
        byte[] linePool = new byte[content.length]; // decoded bytes are shorter than their base64
        int[] lineOffset = new int[lineCount + 1];
        int[] rankOfLine = new int[lineCount];
        int[] lineOfRank = new int[lineCount];
        java.util.Arrays.fill(lineOfRank, -1);
        boolean ranksInLineOrder = true;
        int pos = 0;
        int written = 0;
        for (int line = 0; line < lineCount; line++) {
            int end = pos;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            int next = end + 1;
            if (end > pos && content[end - 1] == '\r') {
                end--;
            }
            int lineNo = line + 1;
            int space = -1;
            for (int i = pos; i < end; i++) {
                if (content[i] == ' ') {
                    if (space >= 0) {
                        throw TokenizerFormatException.atLine(file, lineNo, "expected '<base64> <rank>' with one space, found more");
                    }
                    space = i;
                }
            }
            if (space < 0) {
                throw TokenizerFormatException.atLine(file, lineNo, pos == end ? "empty line" : "expected '<base64> <rank>', found no space");
            }
            lineOffset[line] = written;
            written = decodeBase64(content, pos, space, linePool, written, file, lineNo);
            if (written == lineOffset[line]) {
                throw TokenizerFormatException.atLine(file, lineNo, "empty token");
            }
            int rank = parseRank(content, space + 1, end, file, lineNo);
            if (rank >= lineCount) {
                throw TokenizerFormatException.atLine(file, lineNo, "rank " + rank + " outside [0, " + lineCount
                        + "): ranks must be 0..n-1 for a file of n tokens");
            }
            if (lineOfRank[rank] >= 0) {
                throw TokenizerFormatException.atLine(file, lineNo, "rank " + rank + " already given on line " + (lineOfRank[rank] + 1));
            }
            lineOfRank[rank] = line;
            rankOfLine[line] = rank;
            ranksInLineOrder &= rank == line;
            pos = next;
        }
        lineOffset[lineCount] = written;
        if (ranksInLineOrder) {
            return new TiktokenVocabulary(linePool, lineOffset, file);
        }
        byte[] pool = new byte[written];
        int[] offset = new int[lineCount + 1];
        int at = 0;
        for (int rank = 0; rank < lineCount; rank++) {
            int line = lineOfRank[rank];
            int len = lineOffset[line + 1] - lineOffset[line];
            System.arraycopy(linePool, lineOffset[line], pool, at, len);
            offset[rank] = at;
            at += len;
        }
        offset[lineCount] = at;
        return new TiktokenVocabulary(pool, offset, file);
    }

    int size() {
        return offset.length - 1;
    }

    /** Rank of {@code bytes[off, off + len)}, or -1. */
    int rank(byte[] bytes, int off, int len) {
        if (len <= ShortTokenTable.MAX_LENGTH) {
            return len == 1 ? singleByteRank[bytes[off] & 0xFF] : shortRanks.get(bytes, off, len);
        }
        return len > maxTokenLength ? -1 : longRanks.get(bytes, off, len);
    }

    /** Rank of a range whose {@link ByteSequenceRankMap#hash} is known, or -1; -1 at once when too long to be a token. */
    int rank(byte[] bytes, int off, int len, int hash) {
        if (len <= ShortTokenTable.MAX_LENGTH) {
            return len == 1 ? singleByteRank[bytes[off] & 0xFF] : shortRanks.get(bytes, off, len);
        }
        return len > maxTokenLength ? -1 : longRanks.get(bytes, off, len, hash);
    }

    int maxTokenLength() {
        return maxTokenLength;
    }

    int singleByteRank(int b) {
        return singleByteRank[b];
    }

    int tokenLength(int rank) {
        return offset[rank + 1] - offset[rank];
    }

    /** Copies the bytes of {@code rank} into {@code dst} at {@code at}; returns the position after them. */
    int copyToken(int rank, byte[] dst, int at) {
        int len = offset[rank + 1] - offset[rank];
        System.arraycopy(pool, offset[rank], dst, at, len);
        return at + len;
    }

    byte[] tokenBytes(int rank) {
        return java.util.Arrays.copyOfRange(pool, offset[rank], offset[rank + 1]);
    }

    private static int countLines(byte[] content) {
        int lines = 0;
        for (byte b : content) {
            if (b == '\n') {
                lines++;
            }
        }
        if (content.length > 0 && content[content.length - 1] != '\n') {
            lines++; // last line without a newline
        }
        return lines;
    }

    private static int parseRank(byte[] content, int from, int to, String file, int lineNo) {
        if (from == to) {
            throw TokenizerFormatException.atLine(file, lineNo, "missing rank after the space");
        }
        if (to - from > 9) {
            throw TokenizerFormatException.atLine(file, lineNo, "rank '" + ascii(content, from, to) + "' is not a number below 10^9");
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            int d = content[i] - '0';
            if (d < 0 || d > 9) {
                throw TokenizerFormatException.atLine(file, lineNo, "rank '" + ascii(content, from, to) + "' is not a decimal number");
            }
            value = value * 10 + d;
        }
        return value;
    }

    private static final byte[] BASE64_VALUE = new byte[256];

    static {
        java.util.Arrays.fill(BASE64_VALUE, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) {
            BASE64_VALUE[alphabet.charAt(i)] = (byte) i;
        }
    }

    /** Decodes standard padded base64 {@code src[from, to)} into {@code dst} at {@code at}; returns the new end. */
    private static int decodeBase64(byte[] src, int from, int to, byte[] dst, int at, String file, int lineNo) {
        int len = to - from;
        if (len % 4 != 0) {
            throw TokenizerFormatException.atLine(file, lineNo, "base64 token '" + ascii(src, from, to)
                    + "' has length " + len + ", not a multiple of 4");
        }
        for (int i = from; i < to; i += 4) {
            boolean last = i + 4 == to;
            int pad = last ? (src[i + 3] == '=' ? (src[i + 2] == '=' ? 2 : 1) : 0) : 0;
            int bits = 0;
            for (int k = 0; k < 4 - pad; k++) {
                int v = BASE64_VALUE[src[i + k] & 0xFF];
                if (v < 0) {
                    throw TokenizerFormatException.atLine(file, lineNo, "base64 token '" + ascii(src, from, to)
                            + "' has invalid character '" + (char) (src[i + k] & 0xFF) + "' at column " + (i + k - from + 1));
                }
                bits = (bits << 6) | v;
            }
            bits <<= 6 * pad;
            dst[at++] = (byte) (bits >>> 16);
            if (pad < 2) {
                dst[at++] = (byte) (bits >>> 8);
            }
            if (pad < 1) {
                dst[at++] = (byte) bits;
            }
        }
        return at;
    }

    private static String ascii(byte[] b, int from, int to) {
        int end = Math.min(to, from + 80);
        return new String(b, from, end - from, java.nio.charset.StandardCharsets.ISO_8859_1) + (end < to ? "..." : "");
    }
}
