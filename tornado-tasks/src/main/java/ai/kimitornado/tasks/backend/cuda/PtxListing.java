package ai.kimitornado.tasks.backend.cuda;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows generated PTX around the lines an assembler log complains about. Both ptxas and the driver's
 * JIT (cuModuleLoadDataEx) report errors as {@code "..., line N; error : ..."}.
 */
public final class PtxListing {
    private static final Pattern LINE = Pattern.compile("line (\\d+)[;:]");

    private PtxListing() {
    }

    /** Line numbers (1-based) mentioned in {@code log}, in order of first mention. */
    public static List<Integer> mentionedLines(String log) {
        List<Integer> lines = new ArrayList<>();
        Matcher m = LINE.matcher(log);
        while (m.find()) {
            int line = Integer.parseInt(m.group(1));
            if (!lines.contains(line)) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * The log followed by numbered PTX excerpts of {@code radius} lines around each line it mentions
     * (the first few), the failing line marked with {@code >>}; the whole PTX header when none is named.
     */
    public static String explain(String ptx, String log, int radius) {
        String[] source = ptx.split("\n", -1);
        StringBuilder out = new StringBuilder(log.strip()).append('\n');
        List<Integer> lines = mentionedLines(log);
        if (lines.isEmpty()) {
            out.append("-- PTX (first lines) --\n");
            appendRange(out, source, 1, Math.min(source.length, 2 * radius + 1), -1);
            return out.toString();
        }
        for (int line : lines.subList(0, Math.min(3, lines.size()))) {
            out.append("-- PTX around line ").append(line).append(" --\n");
            appendRange(out, source, Math.max(1, line - radius), Math.min(source.length, line + radius), line);
        }
        return out.toString();
    }

    private static void appendRange(StringBuilder out, String[] source, int from, int to, int marked) {
        for (int n = from; n <= to; n++) {
            out.append(n == marked ? ">>" : "  ").append(String.format("%5d  ", n)).append(source[n - 1]).append('\n');
        }
    }
}
