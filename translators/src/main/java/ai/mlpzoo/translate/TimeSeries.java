package ai.mlpzoo.translate;

import java.time.LocalDateTime;
import java.util.Arrays;

/**
 * A window of a multivariate series, as a forecaster's translator takes it: values in the data's
 * own units, one row per time step, one column per channel, and optionally the timestamp of each
 * row (needed by models that read time features, and to date the forecast).
 *
 * @param values steps x channels, in original units
 * @param timestamps one per row, or null
 */
public record TimeSeries(float[][] values, LocalDateTime[] timestamps) {

    /**
     * Checks the window's form (the model's own needs are checked by the translator).
     *
     * @throws IllegalArgumentException when there are no rows, rows of different lengths, or
     *     timestamps of another count
     */
    public TimeSeries {
        if (values == null || values.length == 0) {
            throw new IllegalArgumentException("the series has no rows");
        }
        int channels = values[0] == null ? 0 : values[0].length;
        if (channels == 0) {
            throw new IllegalArgumentException("row 0 of the series has no values");
        }
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null || values[i].length != channels) {
                throw new IllegalArgumentException(
                        "row "
                                + i
                                + " of the series has "
                                + (values[i] == null ? 0 : values[i].length)
                                + " values, row 0 has "
                                + channels);
            }
        }
        if (timestamps != null && timestamps.length != values.length) {
            throw new IllegalArgumentException(
                    "the series has "
                            + values.length
                            + " rows but "
                            + timestamps.length
                            + " timestamps");
        }
    }

    /**
     * A window without timestamps.
     *
     * @param values steps x channels
     * @return the series
     */
    public static TimeSeries of(float[][] values) {
        return new TimeSeries(values, null);
    }

    /**
     * @return the number of steps
     */
    public int steps() {
        return values.length;
    }

    /**
     * @return the number of channels
     */
    public int channels() {
        return values[0].length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeSeries t
                && Arrays.deepEquals(values, t.values)
                && Arrays.equals(timestamps, t.timestamps);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(values) + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return "TimeSeries[" + steps() + " steps x " + channels() + " channels]";
    }
}
