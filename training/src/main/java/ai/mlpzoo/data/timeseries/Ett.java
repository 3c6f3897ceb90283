package ai.mlpzoo.data.timeseries;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The hourly ETT data sets (Zhou et al., "Informer", AAAI 2021; github.com/zhouhaoyi/ETDataset,
 * {@code ETT-small/ETTh1.csv} and {@code ETTh2.csv}, CC BY-ND 4.0) with the split every paper uses:
 * train rows [0, 8640), validation [8640 - context, 11520), test [11520 - context, 14400) (12, 4
 * and 4 months of 30 days; the rows from 14400 on are used by no split), as {@code
 * Dataset_ETT_hour.__read_data__} of TimeMixer and Time-Series-Library computes them.
 *
 * <p>The files are not shipped (the licence forbids sharing modified copies and the project keeps
 * data out of its jars): they are read from the directory named by {@code --data-dir}, else the
 * system property {@value #DIR_PROPERTY}, else {@code ../shared/data/ett} when it exists.
 */
public final class Ett {

    /** The system property naming the folder with the ETT files. */
    public static final String DIR_PROPERTY = "mlpzoo.ett.dir";

    /** Where to download the files. */
    public static final String SOURCE =
            "https://github.com/zhouhaoyi/ETDataset (folder ETT-small/)";

    /** The data sets this class reads, by lower-case name, to their file names. */
    public static final Map<String, String> FILES =
            Map.of("etth1", "ETTh1.csv", "etth2", "ETTh2.csv");

    /** Rows of a 30-day month of hourly data. */
    private static final int MONTH = 30 * 24;

    private Ett() {}

    /**
     * @return the known data set names, sorted
     */
    public static List<String> names() {
        return FILES.keySet().stream().sorted().toList();
    }

    /**
     * @param name a data set name, any case
     * @return whether it is an ETT set
     */
    public static boolean isEtt(String name) {
        return name != null && FILES.containsKey(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The folder to read: the given one, else the system property, else {@code ../shared/data/ett}
     * relative to the working directory when it exists.
     *
     * @param dataDir the user's {@code --data-dir}, or null
     * @return the folder, or null when none is set and the default does not exist
     */
    public static Path resolveDir(Path dataDir) {
        if (dataDir != null) {
            return dataDir;
        }
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Paths.get(prop);
        }
        Path def = Paths.get("..", "shared", "data", "ett");
        return Files.isDirectory(def) ? def : null;
    }

    /**
     * Finds the file of a data set.
     *
     * @param name etth1 or etth2, any case
     * @param dataDir the user's {@code --data-dir}, or null
     * @return the file
     * @throws FileNotFoundException naming the file, the options and where to download it
     */
    public static Path file(String name, Path dataDir) throws FileNotFoundException {
        String file = FILES.get(name.toLowerCase(Locale.ROOT));
        if (file == null) {
            throw new IllegalArgumentException(unknown(name));
        }
        Path dir = resolveDir(dataDir);
        Path f = dir == null ? null : dir.resolve(file);
        if (f == null || !Files.isRegularFile(f)) {
            String where =
                    dir == null
                            ? "no data folder is set (--data-dir, -D"
                                    + DIR_PROPERTY
                                    + ") and ../shared/data/ett does not exist"
                            : "it is not in " + dir.toAbsolutePath().normalize();
            throw new FileNotFoundException(
                    file
                            + " not found: "
                            + where
                            + "; download "
                            + file
                            + " from "
                            + SOURCE
                            + " into a folder and pass --data-dir <folder> (or -D"
                            + DIR_PROPERTY
                            + "=<folder>)");
        }
        return f;
    }

    /**
     * The message for a name that is neither an ETT set nor a CSV file.
     *
     * @param name what the user gave
     * @return one line listing the known names
     */
    public static String unknown(String name) {
        return "unknown dataset '"
                + name
                + "'; known: "
                + String.join(", ", names())
                + ", or the path of a CSV file (a date column, then numeric columns)";
    }

    /**
     * Reads an ETT set with the papers' split.
     *
     * @param name etth1 or etth2
     * @param dataDir the user's {@code --data-dir}, or null
     * @param context the lookback (seq_len)
     * @param horizon the forecast length (pred_len)
     * @return the data
     * @throws IOException when the file is missing or unreadable
     */
    public static ForecastData load(String name, Path dataDir, int context, int horizon)
            throws IOException {
        SeriesTable table = SeriesTable.readCsv(file(name, dataDir));
        return split(name.toLowerCase(Locale.ROOT), table, context, horizon);
    }

    /**
     * Cuts an ETT-shaped hourly table with the papers' borders.
     *
     * @param name the data set's name
     * @param table the table, at least 14400 rows
     * @param context the lookback
     * @param horizon the forecast length
     * @return the data
     */
    public static ForecastData split(String name, SeriesTable table, int context, int horizon) {
        int[][] borders = {
            {0, 12 * MONTH},
            {12 * MONTH - context, 12 * MONTH + 4 * MONTH},
            {12 * MONTH + 4 * MONTH - context, 12 * MONTH + 8 * MONTH}
        };
        return new ForecastData(name, table, context, horizon, borders);
    }
}
