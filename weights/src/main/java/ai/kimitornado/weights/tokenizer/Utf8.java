package ai.kimitornado.weights.tokenizer;

/**
 * UTF-8 helpers with exactly one policy for bad input, shared by whole and streaming decoding so that a
 * stream's concatenated output equals the one-shot decode: each maximal ill-formed subpart becomes one
 * U+FFFD (Unicode §3.9 "substitution of maximal subparts", what Python's {@code errors="replace"} and
 * Java's {@code new String(bytes, UTF_8)} do).
 */
final class Utf8 {
    static final char REPLACEMENT = '\uFFFD';

    private Utf8() {
    }

    /**
     * Replaces unpaired surrogates by U+FFFD, as tiktoken's Python binding does before encoding
     * (UTF-16 round trip with {@code errors="replace"}); returns {@code s} itself when it has none.
     */
    static String replaceLoneSurrogates(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i += 2;
                    continue;
                }
                break;
            }
            i++;
        }
        if (i == n) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n).append(s, 0, i);
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(i + 1));
                i += 2;
            } else {
                sb.append(Character.isSurrogate(c) ? REPLACEMENT : c);
                i++;
            }
        }
        return sb.toString();
    }

    /** Most bytes that {@code chars} UTF-16 units can take in UTF-8. */
    static int maxBytes(int chars) {
        return chars * 3;
    }

    /**
     * Writes {@code s[from, to)} as UTF-8 into {@code dst} at 0 and returns the byte count. The range must
     * have no unpaired surrogates (see {@link #replaceLoneSurrogates}) and {@code dst} at least
     * {@link #maxBytes}{@code (to - from)} bytes.
     */
    static int encode(CharSequence s, int from, int to, byte[] dst) {
        int at = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[at++] = (byte) c;
            } else if (c < 0x800) {
                dst[at++] = (byte) (0xC0 | (c >>> 6));
                dst[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c)) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                dst[at++] = (byte) (0xF0 | (cp >>> 18));
                dst[at++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                dst[at++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                dst[at++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                dst[at++] = (byte) (0xE0 | (c >>> 12));
                dst[at++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                dst[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return at;
    }

    /**
     * Decodes {@code b[from, to)} into {@code out}. With {@code endOfInput} false, a trailing sequence that is
     * incomplete but could still become valid is left undecoded and its start returned, so the caller can
     * prepend it to the next bytes; otherwise everything is consumed and {@code to} returned.
     */
    static int decode(byte[] b, int from, int to, StringBuilder out, boolean endOfInput) {
        int i = from;
        while (i < to) {
            int b0 = b[i] & 0xFF;
            if (b0 < 0x80) {
                out.append((char) b0);
                i++;
                continue;
            }
            int need;      // continuation bytes after the lead
            int lo = 0x80; // allowed range of the first continuation byte (Unicode Table 3-7)
            int hi = 0xBF;
            int cp;
            if (b0 >= 0xC2 && b0 <= 0xDF) {
                need = 1;
                cp = b0 & 0x1F;
            } else if (b0 >= 0xE0 && b0 <= 0xEF) {
                need = 2;
                cp = b0 & 0x0F;
                if (b0 == 0xE0) {
                    lo = 0xA0;
                } else if (b0 == 0xED) {
                    hi = 0x9F;
                }
            } else if (b0 >= 0xF0 && b0 <= 0xF4) {
                need = 3;
                cp = b0 & 0x07;
                if (b0 == 0xF0) {
                    lo = 0x90;
                } else if (b0 == 0xF4) {
                    hi = 0x8F;
                }
            } else {
                out.append(REPLACEMENT); // 80..C1, F5..FF can never start a character
                i++;
                continue;
            }
            int j = i + 1;
            boolean broken = false;
            for (int k = 0; k < need; k++, j++) {
                if (j >= to) {
                    if (!endOfInput) {
                        return i; // valid so far: wait for the rest
                    }
                    broken = true;
                    break;
                }
                int c = b[j] & 0xFF;
                if (c < (k == 0 ? lo : 0x80) || c > (k == 0 ? hi : 0xBF)) {
                    broken = true;
                    break;
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (broken) {
                out.append(REPLACEMENT); // one U+FFFD for the maximal valid prefix; resume at the offending byte
                i = j;
            } else {
                out.appendCodePoint(cp);
                i = j;
            }
        }
        return to;
    }

    /** Python's {@code str.isspace()} for one code point (bidi class WS, B or S, or category Zs). */
    static boolean isPythonSpace(int cp) {
        if (cp < 0x80) {
            return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
        }
        return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A)
                || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
    }
}
