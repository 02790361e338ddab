package ai.kimitornado.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The device comparison as a PNG, drawn with java.awt (headless): one panel per metric with its unit, bars per device
 * (one cluster per prompt length where the metric depends on it), whiskers from min to max over the repeats.
 */
final class BenchChart {
    static final int WIDTH = 1600;
    static final int HEIGHT = 900;
    private static final int COLUMNS = 4;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** One bar: median with whiskers (min..max), or a single value (min = max = median). */
    private record Bar(double median, double min, double max, boolean missing) {
        Bar(double median, double min, double max) {
            this(median, min, max, false);
        }

        /** A value the run did not measure: drawn as "n/a" with no bar (never as a zero). */
        static Bar ofNullable(Double v) {
            return v == null ? new Bar(0, 0, 0, true) : of(v);
        }

        static Bar of(Spread s) {
            return new Bar(s.median(), s.min(), s.max());
        }

        static Bar of(double v) {
            return new Bar(v, v, v);
        }
    }

    /** A metric panel: clusters (labels) × devices. */
    private record Panel(String title, List<String> clusters, List<List<Bar>> bars) {
    }

    private BenchChart() {
    }

    static void write(BenchResults.Run run, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        List<Panel> panels = panels(run);
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        String title = "kimi-tornado bench — " + run.model().source()
                + (run.label() == null ? "" : " — " + run.label());
        g.drawString(title, 20, 30);
        legend(g, run);
        int top = 80;
        int rows = (panels.size() + COLUMNS - 1) / COLUMNS;
        int pw = WIDTH / COLUMNS;
        int ph = (HEIGHT - top) / rows;
        for (int i = 0; i < panels.size(); i++) {
            drawPanel(g, panels.get(i), (i % COLUMNS) * pw, top + (i / COLUMNS) * ph, pw, ph, run.devices().size());
        }
        g.dispose();
        if (!ImageIO.write(img, "png", png.toFile())) {
            throw new IOException("bench --chart: no PNG writer in this JDK's ImageIO");
        }
    }

    private static List<Panel> panels(BenchResults.Run run) {
        List<String> lens = run.settings().promptLens().stream().map(p -> "pp" + p).toList();
        List<String> ctx = run.settings().promptLens().stream().map(p -> "@" + p).toList();
        List<String> one = List.of("");
        List<Panel> out = new ArrayList<>();
        out.add(new Panel("Prefill (tok/s, higher is better)", lens, perPrompt(run, p -> Bar.of(p.prefillTokPerS()))));
        out.add(new Panel("TTFT (ms, lower is better)", lens, perPrompt(run, p -> Bar.of(p.ttftMs()))));
        out.add(new Panel("Decode TPOT median (ms, lower is better)", ctx, perPrompt(run, p -> Bar.of(p.tpotMs()))));
        out.add(new Panel("Decode (tok/s, higher is better)", ctx, perPrompt(run, p -> Bar.of(p.decodeTokPerS()))));
        out.add(new Panel("Bandwidth floor reached (%, higher is better)", ctx,
                perPrompt(run, p -> Bar.of(100 * p.floorFraction()))));
        out.add(new Panel("Copy bandwidth (GB/s)", one, perDevice(run, d -> Bar.of(d.copy().bestGBs()))));
        out.add(new Panel("JIT cold | cached (ms)", List.of("cold", "cached"), List.of(
                perDevice(run, d -> Bar.ofNullable(d.jit().coldMs())).get(0),
                perDevice(run, d -> Bar.ofNullable(d.jit().cachedMs())).get(0))));
        out.add(new Panel("Weights to device (ms)", one, perDevice(run, d -> Bar.of(d.weightUploadMs()))));
        return out;
    }

    private static List<List<Bar>> perPrompt(BenchResults.Run run, Function<BenchResults.Prompt, Bar> f) {
        List<List<Bar>> clusters = new ArrayList<>();
        for (int p = 0; p < run.settings().promptLens().size(); p++) {
            List<Bar> bars = new ArrayList<>();
            for (BenchResults.Device d : run.devices()) bars.add(f.apply(d.prompts().get(p)));
            clusters.add(bars);
        }
        return clusters;
    }

    private static List<List<Bar>> perDevice(BenchResults.Run run, Function<BenchResults.Device, Bar> f) {
        return List.of(run.devices().stream().map(f).toList());
    }

    private static void legend(Graphics2D g, BenchResults.Run run) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        int x = 20;
        for (int i = 0; i < run.devices().size(); i++) {
            BenchResults.Device d = run.devices().get(i);
            String label = d.device() + " (" + d.name() + ")";
            g.setColor(PALETTE[i % PALETTE.length]);
            g.fillRect(x, 44, 16, 16);
            g.setColor(Color.BLACK);
            g.drawString(label, x + 22, 58);
            x += 22 + g.getFontMetrics().stringWidth(label) + 30;
        }
    }

    private static void drawPanel(Graphics2D g, Panel panel, int x, int y, int w, int h, int devices) {
        int left = x + 70;
        int right = x + w - 15;
        int top = y + 40;
        int bottom = y + h - 40;
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(panel.title(), x + 12, y + 22);
        double max = 0;
        for (List<Bar> c : panel.bars()) for (Bar b : c) max = Math.max(max, Math.max(b.max(), b.median()));
        max = niceCeiling(max);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (int t = 0; t <= 4; t++) { // y axis with 5 gridlines
            double v = max * t / 4;
            int yy = bottom - (int) Math.round((bottom - top) * t / 4.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, yy, right, yy);
            g.setColor(Color.DARK_GRAY);
            String s = BenchTable.fmt(v);
            g.drawString(s, left - 6 - fm.stringWidth(s), yy + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        int clusters = panel.clusters().size();
        double cw = (right - left) / (double) clusters;
        double bw = Math.min(60, cw * 0.8 / devices);
        for (int c = 0; c < clusters; c++) {
            double cx = left + c * cw + (cw - bw * devices) / 2;
            List<Bar> bars = panel.bars().get(c);
            for (int d = 0; d < bars.size(); d++) {
                Bar b = bars.get(d);
                int bx = (int) Math.round(cx + d * bw);
                if (b.missing()) {
                    g.setColor(Color.DARK_GRAY);
                    g.drawString("n/a", bx + (int) (bw - fm.stringWidth("n/a")) / 2, bottom - 4);
                    continue;
                }
                int by = yOf(b.median(), max, top, bottom);
                g.setColor(PALETTE[d % PALETTE.length]);
                g.fillRect(bx + 2, by, (int) bw - 4, bottom - by);
                g.setColor(Color.BLACK);
                if (b.max() > b.min()) { // whisker: run-to-run spread
                    int mid = bx + (int) bw / 2;
                    int y0 = yOf(b.min(), max, top, bottom);
                    int y1 = yOf(b.max(), max, top, bottom);
                    g.setStroke(new BasicStroke(1.5f));
                    g.drawLine(mid, y0, mid, y1);
                    g.drawLine(mid - 5, y0, mid + 5, y0);
                    g.drawLine(mid - 5, y1, mid + 5, y1);
                }
                String v = BenchTable.fmt(b.median());
                g.drawString(v, bx + (int) (bw - fm.stringWidth(v)) / 2, Math.min(by, yOf(b.max(), max, top, bottom)) - 4);
            }
            String label = panel.clusters().get(c);
            g.drawString(label, (int) (left + c * cw + (cw - fm.stringWidth(label)) / 2), bottom + 18);
        }
    }

    private static int yOf(double v, double max, int top, int bottom) {
        return bottom - (int) Math.round((bottom - top) * Math.max(0, v) / max);
    }

    /** 1, 2 or 5 × 10^k at or above v (v = 0 gives 1). */
    static double niceCeiling(double v) {
        if (!(v > 0) || Double.isInfinite(v)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) if (m * p >= v * 1.1) return m * p;
        return 10 * p * 2;
    }
}
