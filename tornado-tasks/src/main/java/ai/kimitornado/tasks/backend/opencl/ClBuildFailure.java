package ai.kimitornado.tasks.backend.opencl;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * clBuildProgram failed: the message carries the driver's build log and the generated source around
 * the first line the log points at ({@code <source>:LINE:COL}, as clang-based drivers such as PoCL
 * write it; NVIDIA writes {@code <kernel>:LINE:COL}).
 */
public final class ClBuildFailure extends ClException {
    /** {@code <source>:3:12}, {@code <kernel>:3:12}, or PoCL's {@code /path/tempfile_x.cl:3:12}. */
    private static final Pattern LOCATION = Pattern.compile("(?:<[^>\\s]*>|[^\\s:]*\\.cl):(\\d+):(\\d+)");
    private static final int CONTEXT_LINES = 4;

    private final String buildLog;
    private final String source;

    public ClBuildFailure(int code, String kernel, String site, String buildLog, String source) {
        super(code, "clBuildProgram(" + kernel + ")", site, describe(buildLog, source));
        this.buildLog = buildLog;
        this.source = source;
    }

    public String buildLog() {
        return buildLog;
    }

    public String source() {
        return source;
    }

    static String describe(String log, String source) {
        StringBuilder sb = new StringBuilder("--- driver build log ---\n").append(log.strip()).append('\n');
        Matcher m = firstErrorLocation(log);
        if (source != null && m != null) {
            int line = Integer.parseInt(m.group(1));
            int col = Integer.parseInt(m.group(2));
            sb.append("--- generated source around line ").append(line).append(" ---\n").append(excerpt(source, line, col));
        } else if (source != null) {
            sb.append("--- generated source (the log names no line) ---\n").append(excerpt(source, 1, 0));
        }
        return sb.toString();
    }

    /** The location on the first line that says "error", else the first location at all. */
    private static Matcher firstErrorLocation(String log) {
        for (String line : log.split("\n")) {
            Matcher m = LOCATION.matcher(line);
            if (line.contains("error") && m.find()) return m;
        }
        Matcher m = LOCATION.matcher(log);
        return m.find() ? m : null;
    }

    /** Lines line-4 .. line+4 with numbers, a marker on the failing line and a caret under its column. */
    static String excerpt(String source, int line, int col) {
        String[] lines = source.split("\n", -1);
        int from = Math.max(1, line - CONTEXT_LINES);
        int to = Math.min(lines.length, line == 1 && col == 0 ? Math.min(lines.length, 40) : line + CONTEXT_LINES);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i <= to; i++) {
            sb.append(i == line && col > 0 ? ">" : " ").append(String.format("%5d | ", i)).append(lines[i - 1]).append('\n');
            if (i == line && col > 0) sb.append(" ".repeat(9 + col - 1)).append("^\n");
        }
        return sb.toString();
    }
}
