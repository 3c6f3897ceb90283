package ai.mlpzoo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The process's resident set size, read from {@code /proc/self/status} (Linux), and the Java heap
 * in use: what a run that must stay flat in memory logs, beside {@code /usr/bin/time -v}'s peak.
 */
final class ResidentMemory {

    private ResidentMemory() {}

    /**
     * @return the resident set size in KiB, or -1 where /proc is not available
     */
    static long rssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    /**
     * @return "RSS 812 MB, heap 301 MB of 512 MB committed" (RSS omitted where /proc is not
     *     available)
     */
    static String describe() {
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
        long committed = rt.totalMemory() >> 20;
        long rss = rssKib();
        return (rss < 0 ? "" : String.format(Locale.ROOT, "RSS %d MB, ", rss >> 10))
                + "heap "
                + heap
                + " MB of "
                + committed
                + " MB committed";
    }
}
