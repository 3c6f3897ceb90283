package ai.mlpzoo.config;

import java.util.Locale;

/**
 * What building and running a config would cost, estimated from its fields alone so that an
 * impossible size is refused before any block exists: building first would run for minutes and end
 * in an OutOfMemoryError (issue 14, item 9). Each estimate is a lower bound (the dominant weight
 * matrices, not every bias), so that no model that fits is refused.
 *
 * @param parameters a lower bound of the parameter count (float32 each)
 * @param activations a rough count of the floats one sample's forward holds
 * @param modules the number of repeated sub-blocks (Mixer blocks, KAN layers) the block tree holds
 *     on the Java heap
 * @param reduce the field to reduce first (the one that dominates the estimate)
 * @param fields every field of the estimate with its value, for the message
 */
public record Footprint(
        double parameters, double activations, double modules, String reduce, String fields) {

    /** No estimate: a family that does not state one is not bounded. */
    public static final Footprint UNKNOWN = new Footprint(0, 0, 0, "", "");

    /**
     * Java heap one repeated sub-block costs once built, measured: about 4.7 KB per gMLP block and
     * 5.0 KB per ResMLP block (their parameters, names and child maps, before any weight exists).
     */
    public static final long HEAP_BYTES_PER_MODULE = 4_500;

    /**
     * @return the bytes of the float32 weights and one sample's activations
     */
    public double tensorBytes() {
        return (parameters + activations) * Float.BYTES;
    }

    /**
     * @return the Java heap the block tree takes before any weight exists
     */
    public double heapBytes() {
        return modules * HEAP_BYTES_PER_MODULE;
    }

    /**
     * A per-layer field for a message: whole when short, else its length, first and largest values
     * (a list of millions of widths would make a message of megabytes).
     */
    static String summary(int[] values) {
        if (values == null) {
            return "null";
        }
        if (values.length <= 8) {
            return java.util.Arrays.toString(values);
        }
        int max = java.util.Arrays.stream(values).max().getAsInt();
        return String.format(
                Locale.ROOT,
                "[%d, %d, ... (%d values, largest %d)]",
                values[0],
                values[1],
                values.length,
                max);
    }

    /** Formats a byte count as B, KB, MB, GB or TB (powers of 1000). */
    static String bytes(double b) {
        String[] units = {"B", "KB", "MB", "GB", "TB", "PB"};
        int u = 0;
        while (b >= 1000 && u < units.length - 1) {
            b /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f %s" : "%.3g %s", b, units[u]);
    }
}
