package ai.mlpzoo.data.timeseries;

import ai.mlpzoo.translate.TimeFeatures;
import java.util.Locale;

/**
 * A series cut into train, validation and test splits, z-scored with the train split's statistics,
 * and read as forecasting windows, as the TimeMixer / Time-Series-Library loaders do ({@code
 * Dataset_ETT_hour}, {@code Dataset_Custom}, Zhou et al., Informer, AAAI 2021):
 *
 * <ul>
 *   <li>each split is a half-open row interval; the validation and test intervals start {@code
 *       contextLength} rows early, so that their first window forecasts the split's first own row;
 *   <li>z = (x - mean) / std with the mean and the population standard deviation (ddof 0, as
 *       sklearn's {@code StandardScaler}) of the train rows, per column, applied to every row;
 *   <li>window i of a split reads input rows [b + i, b + i + context) and target rows [b + i +
 *       context, b + i + context + horizon) of it, b its first row; a split of n rows has n -
 *       context - horizon + 1 windows;
 *   <li>each input row has the four hourly {@link TimeFeatures} (timeF, freq h).
 * </ul>
 */
public final class ForecastData {

    /** The three splits. */
    public enum Split {
        /** Fitting. */
        TRAIN("train"),
        /** Early stopping. */
        VAL("validation"),
        /** The reported figures. */
        TEST("test");

        private final String label;

        Split(String label) {
            this.label = label;
        }

        /**
         * @return the split's name in messages
         */
        public String label() {
            return label;
        }
    }

    private final String name;
    private final SeriesTable table;
    private final int context;
    private final int horizon;
    private final int[][] borders;
    private final double[] mean;
    private final double[] std;
    private final float[] scaled;
    private final float[] marks;

    /**
     * Cuts a table.
     *
     * @param name the data set's name (etth1, or the CSV's path)
     * @param table the series
     * @param context the lookback
     * @param horizon the forecast length
     * @param borders {start, end} rows of train, validation and test, half-open, the validation and
     *     test starts already moved {@code context} rows early
     * @throws IllegalArgumentException when a split is too short for one window
     */
    ForecastData(String name, SeriesTable table, int context, int horizon, int[][] borders) {
        if (context < 1 || horizon < 1) {
            throw new IllegalArgumentException(
                    "the lookback and the horizon must be positive, got context "
                            + context
                            + " and horizon "
                            + horizon);
        }
        this.name = name;
        this.table = table;
        this.context = context;
        this.horizon = horizon;
        this.borders = borders;
        for (Split s : Split.values()) {
            int[] b = borders[s.ordinal()];
            int windows = b[1] - b[0] - context - horizon + 1;
            if (b[0] < 0 || b[1] > table.rows() || windows < 1) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s: %d rows are too few for lookback %d and horizon %d: the %s"
                                        + " split (rows %d to %d) needs at least %d rows of its"
                                        + " own%s; use a longer series or a shorter"
                                        + " --context/--horizon",
                                table.source(),
                                table.rows(),
                                context,
                                horizon,
                                s.label(),
                                Math.max(0, b[0]),
                                b[1],
                                s == Split.TRAIN ? context + horizon : horizon,
                                s == Split.TRAIN ? "" : " after the lookback"));
            }
        }
        int c = table.channels();
        int[] train = borders[Split.TRAIN.ordinal()];
        this.mean = new double[c];
        this.std = new double[c];
        int n = train[1] - train[0];
        for (int j = 0; j < c; j++) {
            double sum = 0;
            for (int r = train[0]; r < train[1]; r++) {
                sum += table.value(r, j);
            }
            double m = sum / n;
            double sq = 0;
            for (int r = train[0]; r < train[1]; r++) {
                double d = table.value(r, j) - m;
                sq += d * d;
            }
            mean[j] = m;
            // sklearn keeps a constant column's scale at 1 (its _handle_zeros_in_scale)
            double s = Math.sqrt(sq / n);
            std[j] = s == 0 ? 1 : s;
        }
        int rows = table.rows();
        this.scaled = new float[rows * c];
        this.marks = new float[rows * TimeFeatures.HOURLY];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) {
                scaled[r * c + j] = (float) ((table.value(r, j) - mean[j]) / std[j]);
            }
            System.arraycopy(
                    TimeFeatures.hourly(table.time(r)),
                    0,
                    marks,
                    r * TimeFeatures.HOURLY,
                    TimeFeatures.HOURLY);
        }
    }

    /**
     * Cuts a table chronologically by fractions, as Time-Series-Library's {@code Dataset_Custom}:
     * train = floor(rows * train), test = floor(rows * test), validation the rest.
     *
     * @param name the data set's name
     * @param table the series
     * @param context the lookback
     * @param horizon the forecast length
     * @param trainFraction the train share, e.g. 0.7
     * @param testFraction the test share, e.g. 0.2
     * @return the data
     */
    public static ForecastData byFractions(
            String name,
            SeriesTable table,
            int context,
            int horizon,
            double trainFraction,
            double testFraction) {
        if (!(trainFraction > 0 && testFraction > 0 && trainFraction + testFraction < 1)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "--split: train %s and test %s must be positive and leave a"
                                    + " validation share (sum below 1), e.g. 0.7,0.1,0.2",
                            trainFraction,
                            testFraction));
        }
        int n = table.rows();
        int numTrain = (int) (n * trainFraction);
        int numTest = (int) (n * testFraction);
        int numVal = n - numTrain - numTest;
        int[][] borders = {
            {0, numTrain},
            {numTrain - context, numTrain + numVal},
            {n - numTest - context, n}
        };
        return new ForecastData(name, table, context, horizon, borders);
    }

    /**
     * @return the data set's name
     */
    public String name() {
        return name;
    }

    /**
     * @return the series
     */
    public SeriesTable table() {
        return table;
    }

    /**
     * @return the lookback
     */
    public int contextLength() {
        return context;
    }

    /**
     * @return the forecast length
     */
    public int horizon() {
        return horizon;
    }

    /**
     * @return the channels
     */
    public int channels() {
        return table.channels();
    }

    /**
     * @param split a split
     * @return its {start, end} rows, half-open, the lookback included
     */
    public int[] borders(Split split) {
        return borders[split.ordinal()].clone();
    }

    /**
     * @return the train rows' mean per column, in the file's units
     */
    public double[] mean() {
        return mean.clone();
    }

    /**
     * @return the train rows' population standard deviation per column (1 for a constant column)
     */
    public double[] std() {
        return std.clone();
    }

    /**
     * @param row a row
     * @param channel a column
     * @return the z-scored value, as the model sees it
     */
    public float scaled(int row, int channel) {
        return scaled[row * channels() + channel];
    }

    /**
     * @param split a split
     * @return its number of windows
     */
    public int windows(Split split) {
        int[] b = borders[split.ordinal()];
        return b[1] - b[0] - context - horizon + 1;
    }

    /**
     * Copies windows into batch arrays.
     *
     * @param split the split
     * @param windows the window indices within the split
     * @param x receives (windows.length, context, channels) z-scored inputs
     * @param xMarks receives (windows.length, context, 4) time features, or null
     * @param y receives (windows.length, horizon, channels) z-scored targets, or null
     */
    public void fill(Split split, int[] windows, float[] x, float[] xMarks, float[] y) {
        int c = channels();
        int f = TimeFeatures.HOURLY;
        int start = borders[split.ordinal()][0];
        int count = windows(split);
        for (int i = 0; i < windows.length; i++) {
            int w = windows[i];
            if (w < 0 || w >= count) {
                throw new IndexOutOfBoundsException(
                        "window " + w + " of the " + split.label() + " split's " + count);
            }
            int r0 = start + w;
            System.arraycopy(scaled, r0 * c, x, i * context * c, context * c);
            if (xMarks != null) {
                System.arraycopy(marks, r0 * f, xMarks, i * context * f, context * f);
            }
            if (y != null) {
                System.arraycopy(scaled, (r0 + context) * c, y, i * horizon * c, horizon * c);
            }
        }
    }
}
