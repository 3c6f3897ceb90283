package ai.mlpzoo.translate;

import java.time.LocalDateTime;

/**
 * The time features of hourly data as the TimeMixer and Autoformer family's code computes them
 * ({@code utils/timefeatures.py}, {@code embed=timeF}, {@code freq=h}): four values per step, each
 * scaled to [-0.5, 0.5], in this order (the order is a file format: a model trained on it reads the
 * features by position).
 *
 * <ol>
 *   <li>hour of day / 23 - 0.5
 *   <li>day of week / 6 - 0.5, Monday 0
 *   <li>(day of month - 1) / 30 - 0.5
 *   <li>(day of year - 1) / 365 - 0.5
 * </ol>
 */
public final class TimeFeatures {

    /** Features per step for hourly data. */
    public static final int HOURLY = 4;

    private TimeFeatures() {}

    /**
     * The four hourly features of one timestamp.
     *
     * @param t the timestamp (local time, as the data files write it)
     * @return hour, weekday, day of month, day of year, each in [-0.5, 0.5]
     */
    public static float[] hourly(LocalDateTime t) {
        return new float[] {
            t.getHour() / 23f - 0.5f,
            (t.getDayOfWeek().getValue() - 1) / 6f - 0.5f,
            (t.getDayOfMonth() - 1) / 30f - 0.5f,
            (t.getDayOfYear() - 1) / 365f - 0.5f
        };
    }

    /**
     * The hourly features of consecutive timestamps, row-major (steps x 4).
     *
     * @param steps the timestamps
     * @return {@code steps.length * 4} values
     */
    public static float[] hourly(LocalDateTime[] steps) {
        float[] out = new float[steps.length * HOURLY];
        for (int i = 0; i < steps.length; i++) {
            System.arraycopy(hourly(steps[i]), 0, out, i * HOURLY, HOURLY);
        }
        return out;
    }
}
