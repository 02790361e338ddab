package ai.kimitornado.weights.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly like Python's {@code json.dumps(x, ensure_ascii=False)} — the {@code tojson} filter of
 * transformers' chat templates: separators {@code ", "} and {@code ": "}, only {@code "}, {@code \}, and
 * controls below U+0020 escaped (lower-case backslash-u00XX), floats as Python's {@code repr}, key order kept
 * unless sorted by code point (Python's sorted on str).
 */
final class PythonJson {
    private PythonJson() {
    }

    static String dumps(JsonNode node, boolean sortKeys) {
        StringBuilder sb = new StringBuilder();
        dump(node, sortKeys, sb);
        return sb.toString();
    }

    static void dumpList(List<JsonNode> items, boolean sortKeys, StringBuilder out) {
        out.append('[');
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            dump(items.get(i), sortKeys, out);
        }
        out.append(']');
    }

    static void dump(JsonNode node, boolean sortKeys, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isTextual()) {
            string(node.asText(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue() ? "true" : "false");
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            out.append(floatRepr(node.doubleValue()));
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                dump(node.get(i), sortKeys, out);
            }
            out.append(']');
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>(node.properties());
            if (sortKeys) {
                fields.sort((a, b) -> compareCodePoints(a.getKey(), b.getKey()));
            }
            out.append('{');
            for (int i = 0; i < fields.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                string(fields.get(i).getKey(), out);
                out.append(": ");
                dump(fields.get(i).getValue(), sortKeys, out);
            }
            out.append('}');
        } else {
            throw new IllegalArgumentException("cannot write JSON node of type " + node.getNodeType() + " as Python json.dumps would");
        }
    }

    static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xF, 16));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Python's {@code repr(float)} (and {@code json.dumps} of a float: NaN, Infinity, -Infinity). */
    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        double abs = Math.abs(d);
        // Double.toString gives the shortest round-tripping digits, except that it may use two digits where one
        // would do (JDK 19+ spec); Python always uses the shortest, so try one digit first.
        BigDecimal shortest = new BigDecimal(Double.toString(abs)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            BigDecimal exact = new BigDecimal(abs);
            BigDecimal best = null;
            for (java.math.RoundingMode mode : new java.math.RoundingMode[] {java.math.RoundingMode.FLOOR, java.math.RoundingMode.CEILING}) {
                BigDecimal candidate = shortest.round(new java.math.MathContext(1, mode));
                if (candidate.doubleValue() == abs && (best == null
                        || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                    best = candidate;
                }
            }
            if (best != null) {
                shortest = best.stripTrailingZeros();
            }
        }
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale(); // value = 0.DIGITS x 10^decpt
        StringBuilder sb = new StringBuilder(24);
        if (d < 0) {
            sb.append('-');
        }
        if (decpt > -4 && decpt <= 16) {
            if (decpt <= 0) {
                sb.append("0.").repeat('0', -decpt).append(digits);
            } else if (decpt >= digits.length()) {
                sb.append(digits).repeat('0', decpt - digits.length()).append(".0");
            } else {
                sb.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            int exp = decpt - 1;
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        }
        return sb.toString();
    }

    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }
}
