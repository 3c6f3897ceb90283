package ai.mlpzoo.train.sae;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line text progress bar, redrawn in place with a carriage return. */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final int total;
    private final long start = System.nanoTime();

    /**
     * Creates the bar.
     *
     * @param out where to draw (stderr)
     * @param total the number of steps
     */
    public ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    /**
     * Redraws the bar.
     *
     * @param done steps done
     * @param status the metrics to show
     */
    public void update(int done, String status) {
        int filled = (int) ((long) WIDTH * done / total);
        double secs = (System.nanoTime() - start) / 1e9;
        out.print(String.format(
                Locale.ROOT,
                "\r[%s%s] %d/%d %.0fs %s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                done,
                total,
                secs,
                status));
        out.flush();
    }

    /** Ends the line. */
    public void finish() {
        out.println();
        out.flush();
    }
}
