package ai.mlpzoo.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on stderr: redrawn in place on a terminal, printed every 10% into a log.
 */
public class ProgressBar {

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;

    /**
     * Starts a bar.
     *
     * @param label what is running, e.g. "epoch 3/20"
     * @param total the number of units (steps)
     */
    public ProgressBar(String label, long total) {
        this.out = System.err;
        this.label = label;
        this.total = Math.max(1, total);
        this.interactive = System.console() != null;
    }

    /**
     * Redraws the bar.
     *
     * @param done units done
     * @param status the metrics to show, e.g. "loss 0.41 acc 86.1% 812 img/s"
     */
    public void update(long done, String status) {
        long now = System.nanoTime();
        int decile = (int) (10 * done / total);
        if (interactive) {
            if (now - lastDraw < 200_000_000L && done < total) {
                return;
            }
            lastDraw = now;
            out.print('\r' + line(done, status, now));
            out.flush();
        } else if (decile != lastDecile) {
            lastDecile = decile;
            out.println(line(done, status, now));
        }
    }

    /**
     * Ends the bar with its final line.
     *
     * @param status the final metrics
     */
    public void finish(String status) {
        String line = line(total, status, System.nanoTime());
        out.println(interactive ? '\r' + line : line);
    }

    private String line(long done, String status, long now) {
        int width = 24;
        int filled = (int) (width * done / total);
        StringBuilder bar = new StringBuilder(width);
        for (int i = 0; i < width; i++) {
            bar.append(i < filled ? '=' : i == filled ? '>' : ' ');
        }
        double elapsed = (now - start) / 1e9;
        double eta = done == 0 ? 0 : elapsed * (total - done) / done;
        return String.format(
                Locale.ROOT,
                "%s [%s] %3d%% %s | %s eta %s",
                label,
                bar,
                100 * done / total,
                status,
                clock(elapsed),
                clock(eta));
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
