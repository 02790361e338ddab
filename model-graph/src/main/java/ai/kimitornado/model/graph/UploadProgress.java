package ai.kimitornado.model.graph;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A one-line progress bar on stderr while a large checkpoint's weights go to the device (they are copied
 * straight from the mmap'd safetensors during the first execution; a 98 GB checkpoint takes a while).
 * Redraws at most once per percent; the line ends when everything expected has arrived.
 */
public final class UploadProgress implements LongConsumer {
    /** Smaller uploads finish too fast to be worth a bar. */
    public static final long MIN_BYTES = 1L << 30;
    private static final int WIDTH = 40;

    private final long total;
    private final PrintStream out;
    private long done;
    private int shownPercent = -1;

    public UploadProgress(long totalBytes, PrintStream out) {
        this.total = totalBytes;
        this.out = out;
    }

    @Override
    public synchronized void accept(long bytes) {
        if (shownPercent >= 100) return; // later per-step copies are not part of the weight upload
        done += bytes;
        int percent = (int) Math.min(100, done * 100 / Math.max(1, total));
        if (percent == shownPercent) return;
        shownPercent = percent;
        out.print(line(percent));
        if (percent >= 100) out.println();
        out.flush();
    }

    String line(int percent) {
        int filled = percent * WIDTH / 100;
        return String.format(Locale.ROOT, "\rupload weights [%s%s] %3d%% %.1f / %.1f GiB", "#".repeat(filled),
                " ".repeat(WIDTH - filled), percent, Math.min(done, total) / (double) (1L << 30), total / (double) (1L << 30));
    }
}
