package ai.kimitornado.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The llama-bench style side-by-side table: one row per device × test, medians ± spread over repeats. */
final class BenchTable {
    private BenchTable() {
    }

    static void print(BenchResults.Run run, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"device", "backend", "test", "value", "spread", "floor"});
        for (BenchResults.Device d : run.devices()) {
            for (BenchResults.Prompt p : d.prompts()) {
                rows.add(row(d, "pp" + p.promptLen() + " tok/s", p.prefillTokPerS(), ""));
                rows.add(row(d, "pp" + p.promptLen() + " TTFT ms", p.ttftMs(), ""));
                rows.add(row(d, "tg" + run.settings().genLen() + "@" + p.promptLen() + " TPOT ms", p.tpotMs(),
                        String.format(Locale.ROOT, "%.3f ms = %.0f%%", p.floorTpotMs(), 100 * p.floorFraction())));
                rows.add(row(d, "tg" + run.settings().genLen() + "@" + p.promptLen() + " TPOT p90 ms", p.tpotP90Ms(), ""));
                rows.add(row(d, "tg" + run.settings().genLen() + "@" + p.promptLen() + " tok/s", p.decodeTokPerS(), ""));
            }
            BenchResults.Jit j = d.jit();
            rows.add(new String[] {d.device(), d.backend(), "JIT cold / cached ms",
                    (j.coldMs() == null ? "n/a" : fmt(j.coldMs())) + " / " + (j.cachedMs() == null ? "n/a" : fmt(j.cachedMs())), "", ""});
            rows.add(row(d, "weights to device ms", d.weightUploadMs(), ""));
            rows.add(new String[] {d.device(), d.backend(), "copy GB/s", fmt(d.copy().bestGBs()), "", ""});
            rows.add(new String[] {d.device(), d.backend(), "device memory MiB", fmt(d.deviceMemoryBytes() / 1048576.0), "", ""});
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        for (int k = 0; k < rows.size(); k++) {
            StringBuilder sb = new StringBuilder("|");
            for (int i = 0; i < w.length; i++) sb.append(' ').append(pad(rows.get(k)[i], w[i], i >= 3)).append(" |");
            out.println(sb);
            if (k == 0) {
                StringBuilder sep = new StringBuilder("|");
                for (int x : w) sep.append(' ').append("-".repeat(x)).append(" |");
                out.println(sep);
            }
        }
        for (BenchResults.Device d : run.devices()) {
            for (BenchResults.Breakdown b : d.breakdown()) {
                StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s %s%s ms:", d.device(), b.phase(),
                        b.phase().equals("decode") ? " per token" : " of " + b.promptLen() + " tokens"));
                b.ms().forEach((k, v) -> sb.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
                out.println(sb);
                if (b.top() != null && !b.top().isEmpty()) {
                    StringBuilder top = new StringBuilder("  top:");
                    for (BenchResults.KernelTime t : b.top()) {
                        top.append(String.format(Locale.ROOT, " %s[%s ×%s] %.3f;", t.role(), t.kernel(), fmt(t.launches()), t.ms()));
                    }
                    out.println(top);
                }
            }
        }
    }

    private static String[] row(BenchResults.Device d, String test, Spread s, String floor) {
        return new String[] {d.device(), d.backend(), test, fmt(s.median()),
                String.format(Locale.ROOT, "%s..%s (±%.1f%%)", fmt(s.min()), fmt(s.max()), s.spreadPct() / 2), floor};
    }

    static String fmt(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.4f", v);
    }

    private static String pad(String s, int w, boolean right) {
        String fill = " ".repeat(w - s.length());
        return right ? fill + s : s + fill;
    }
}
