package ai.kimitornado.cli;

import java.util.Arrays;

/**
 * Run-to-run noise of one metric: the median of the samples (one per repeat unless said otherwise), the extremes and
 * the relative spread (max − min) / median in percent.
 */
record Spread(double median, double min, double max, double spreadPct, double[] samples) {

    static Spread of(double... samples) {
        if (samples.length == 0) {
            throw new IllegalArgumentException("Spread.of: no samples");
        }
        double[] s = samples.clone();
        Arrays.sort(s);
        double median = percentile(s, 50);
        double spread = median == 0 ? 0 : 100.0 * (s[s.length - 1] - s[0]) / Math.abs(median);
        return new Spread(median, s[0], s[s.length - 1], spread, samples.clone());
    }

    /** Linear-interpolated percentile of sorted values (p in 0..100). */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 1) return sorted[0];
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (rank - lo) * (sorted[hi] - sorted[lo]);
    }

    static double percentileOf(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return percentile(s, p);
    }
}
