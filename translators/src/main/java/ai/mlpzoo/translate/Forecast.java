package ai.mlpzoo.translate;

import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;

/**
 * A forecast: one row per future step, one column per forecast channel, in the data's own units.
 *
 * @param values horizon x channels
 * @param timestamps the date of each row (the input's last timestamp plus one step per row), or
 *     null when the input had none
 * @param columns the channel names recorded with the model, or null
 */
public record Forecast(float[][] values, LocalDateTime[] timestamps, List<String> columns) {

    /** Copies the column list. */
    public Forecast {
        columns = columns == null ? null : List.copyOf(columns);
    }

    /**
     * @return the number of future steps
     */
    public int horizon() {
        return values.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Forecast f
                && Arrays.deepEquals(values, f.values)
                && Arrays.equals(timestamps, f.timestamps)
                && java.util.Objects.equals(columns, f.columns);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.deepHashCode(values) + Arrays.hashCode(timestamps);
    }

    @Override
    public String toString() {
        return "Forecast[" + values.length + " steps x " + values[0].length + " channels]";
    }
}
