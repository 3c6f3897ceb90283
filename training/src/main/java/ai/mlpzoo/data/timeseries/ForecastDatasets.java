package ai.mlpzoo.data.timeseries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/** Opens a forecasting data set by the name the command line takes: an ETT set or a CSV path. */
public final class ForecastDatasets {

    /** The default chronological split of a CSV: train, validation, test. */
    public static final double[] DEFAULT_SPLIT = {0.7, 0.1, 0.2};

    private ForecastDatasets() {}

    /**
     * Opens a data set.
     *
     * @param dataset etth1, etth2 or the path of a CSV file
     * @param dataDir the ETT folder ({@code --data-dir}), or null
     * @param context the lookback
     * @param horizon the forecast length
     * @param split train, validation and test fractions for a CSV, or null for 0.7, 0.1, 0.2; must
     *     be null for ETT (its split is fixed by the papers)
     * @return the data
     * @throws IOException when a file is missing or unreadable
     */
    public static ForecastData open(
            String dataset, Path dataDir, int context, int horizon, double[] split)
            throws IOException {
        if (dataset == null || dataset.isBlank()) {
            throw new IllegalArgumentException(Ett.unknown(""));
        }
        if (Ett.isEtt(dataset)) {
            if (split != null) {
                throw new IllegalArgumentException(
                        "--split applies to CSV files; "
                                + dataset
                                + " has the papers' fixed split (12/4/4 months)");
            }
            return Ett.load(dataset, dataDir, context, horizon);
        }
        Path file = Paths.get(dataset);
        if (!Files.isRegularFile(file)) {
            if (dataset.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                throw new java.nio.file.NoSuchFileException(dataset, null, "CSV file not found");
            }
            throw new IllegalArgumentException(Ett.unknown(dataset));
        }
        double[] s = split == null ? DEFAULT_SPLIT : checkSplit(split);
        return ForecastData.byFractions(
                dataset, SeriesTable.readCsv(file), context, horizon, s[0], s[2]);
    }

    /**
     * Parses {@code --split 0.7,0.1,0.2}.
     *
     * @param text three fractions
     * @return them
     */
    public static double[] parseSplit(String text) {
        String[] parts = text.split(",");
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "--split takes train,validation,test fractions, e.g. 0.7,0.1,0.2; got " + text);
        }
        double[] s = new double[3];
        for (int i = 0; i < 3; i++) {
            try {
                s[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--split: '" + parts[i].trim() + "' is not a number (e.g. 0.7,0.1,0.2)");
            }
        }
        return checkSplit(s);
    }

    private static double[] checkSplit(double[] s) {
        double sum = s[0] + s[1] + s[2];
        if (!(s[0] > 0 && s[1] > 0 && s[2] > 0) || Math.abs(sum - 1) > 1e-6) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "--split: the fractions must be positive and sum to 1, got %s,%s,%s",
                            s[0],
                            s[1],
                            s[2]));
        }
        return s;
    }
}
