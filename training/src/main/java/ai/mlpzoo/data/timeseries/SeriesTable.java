package ai.mlpzoo.data.timeseries;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A multivariate time series as a CSV file holds it: a header row, then one row per time step with
 * a timestamp in the first column and a number in every other column (the layout of the ETT files
 * and of Time-Series-Library's {@code Dataset_Custom}). Values are kept in the file's units, row
 * major: {@code values[row * channels + column]}.
 */
public final class SeriesTable {

    /** The largest number of value columns accepted: a wider file is not a series. */
    public static final int MAX_COLUMNS = 10_000;

    /** The timestamp layouts accepted, tried in this order. */
    private static final List<DateTimeFormatter> FORMATS =
            List.of(
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"),
                    DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"),
                    DateTimeFormatter.ISO_LOCAL_DATE_TIME,
                    DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss"),
                    DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm"));

    private final String source;
    private final String dateColumn;
    private final List<String> columns;
    private final LocalDateTime[] times;
    private final double[] values;

    private SeriesTable(
            String source,
            String dateColumn,
            List<String> columns,
            LocalDateTime[] times,
            double[] values) {
        this.source = source;
        this.dateColumn = dateColumn;
        this.columns = List.copyOf(columns);
        this.times = times;
        this.values = values;
    }

    /**
     * Builds a table from arrays (tests, and series that come from elsewhere).
     *
     * @param source a name for messages
     * @param columns the value columns' names
     * @param times one timestamp per row, increasing
     * @param values rows x columns, row major
     * @return the table
     */
    public static SeriesTable of(
            String source, List<String> columns, LocalDateTime[] times, double[] values) {
        if (values.length != (long) times.length * columns.size()) {
            throw new IllegalArgumentException(
                    source
                            + ": "
                            + values.length
                            + " values for "
                            + times.length
                            + " rows of "
                            + columns.size()
                            + " columns");
        }
        return new SeriesTable(source, "date", columns, times.clone(), values.clone());
    }

    /**
     * Reads a CSV file: a header naming the columns, the timestamp first ({@code yyyy-MM-dd
     * HH:mm:ss}, {@code yyyy-MM-dd HH:mm}, ISO {@code yyyy-MM-ddTHH:mm:ss} or a date alone), then
     * numbers. Every bad cell is refused with its line and column, never skipped or read as NaN.
     *
     * @param file the file
     * @return the table
     * @throws IOException when the file is missing or unreadable
     * @throws IllegalArgumentException naming the line and column of a bad cell
     */
    public static SeriesTable readCsv(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "CSV file not found");
        }
        String src = file.toString();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || header.isBlank()) {
                throw new IllegalArgumentException(
                        src + ": empty file; expected a header such as date,col1,col2");
            }
            if (header.startsWith("\uFEFF")) {
                header = header.substring(1); // a byte-order mark from a spreadsheet export
            }
            String[] names = split(header);
            if (names.length < 2) {
                throw new IllegalArgumentException(
                        src
                                + ": line 1 has "
                                + names.length
                                + " column; expected a timestamp column and at least one value"
                                + " column, comma-separated");
            }
            if (names.length - 1 > MAX_COLUMNS) {
                throw new IllegalArgumentException(
                        src
                                + ": "
                                + (names.length - 1)
                                + " value columns, more than "
                                + MAX_COLUMNS);
            }
            int c = names.length - 1;
            List<String> columns = new ArrayList<>(Arrays.asList(names).subList(1, names.length));
            for (int j = 0; j < names.length; j++) {
                if (names[j].isEmpty()) {
                    throw new IllegalArgumentException(
                            src + ": line 1, column " + (j + 1) + ": empty column name");
                }
            }
            List<LocalDateTime> times = new ArrayList<>();
            double[] values = new double[Math.max(16, c) * 64];
            int rows = 0;
            int lineNo = 1;
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue; // a trailing empty line
                }
                String[] f = split(line);
                if (f.length != names.length) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s: line %d has %d fields but the header has %d; every row"
                                            + " needs a timestamp and %d values",
                                    src, lineNo, f.length, names.length, c));
                }
                LocalDateTime t = parseTime(f[0], src, lineNo, names[0]);
                if (!times.isEmpty() && !t.isAfter(times.get(times.size() - 1))) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s: line %d: timestamp %s is not after the previous row's %s;"
                                            + " sort the rows by time and remove duplicates",
                                    src, lineNo, f[0], times.get(times.size() - 1)));
                }
                times.add(t);
                if ((long) (rows + 1) * c > values.length) {
                    long grown = Math.max((long) values.length * 2, (long) (rows + 1) * c);
                    if (grown > Integer.MAX_VALUE - 8) {
                        throw new IllegalArgumentException(
                                src
                                        + ": more than "
                                        + rows
                                        + " rows of "
                                        + c
                                        + " values: too large");
                    }
                    values = Arrays.copyOf(values, (int) grown);
                }
                for (int j = 0; j < c; j++) {
                    values[rows * c + j] = parseValue(f[j + 1], src, lineNo, j + 2, names[j + 1]);
                }
                rows++;
            }
            if (rows == 0) {
                throw new IllegalArgumentException(src + ": no data rows after the header");
            }
            return new SeriesTable(
                    src,
                    names[0],
                    columns,
                    times.toArray(new LocalDateTime[0]),
                    Arrays.copyOf(values, rows * c));
        }
    }

    private static String[] split(String line) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            f[i] = f[i].trim();
            if (f[i].length() >= 2 && f[i].startsWith("\"") && f[i].endsWith("\"")) {
                f[i] = f[i].substring(1, f[i].length() - 1).trim();
            }
        }
        return f;
    }

    private static LocalDateTime parseTime(String s, String src, int line, String column) {
        for (DateTimeFormatter f : FORMATS) {
            try {
                return LocalDateTime.parse(s, f);
            } catch (DateTimeParseException e) {
                // try the next layout
            }
        }
        try {
            return LocalDate.parse(s).atStartOfDay();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s: line %d, column 1 (%s): '%s' is not a timestamp; write"
                                    + " yyyy-MM-dd HH:mm:ss (or yyyy-MM-dd)",
                            src, line, column, s.isEmpty() ? "" : s));
        }
    }

    private static double parseValue(String s, String src, int line, int col, String column) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s: line %d, column %d (%s): missing value; fill it in (or drop the"
                                    + " row) before forecasting",
                            src, line, col, column));
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s: line %d, column %d (%s): '%s' is not a number",
                            src, line, col, column, s));
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(
                    String.format(
                            "%s: line %d, column %d (%s): '%s' is not a finite number; fill in"
                                    + " the value",
                            src, line, col, column, s));
        }
        return v;
    }

    /**
     * @return where the table came from, for messages
     */
    public String source() {
        return source;
    }

    /**
     * @return the header of the timestamp column
     */
    public String dateColumn() {
        return dateColumn;
    }

    /**
     * @return the value columns' names, in file order
     */
    public List<String> columns() {
        return columns;
    }

    /**
     * @return the number of value columns
     */
    public int channels() {
        return columns.size();
    }

    /**
     * @return the number of data rows
     */
    public int rows() {
        return times.length;
    }

    /**
     * @param row a data row, from 0
     * @return its timestamp
     */
    public LocalDateTime time(int row) {
        return times[row];
    }

    /**
     * @param row a data row, from 0
     * @param channel a value column, from 0
     * @return the value in the file's units
     */
    public double value(int row, int channel) {
        return values[row * channels() + channel];
    }

    /**
     * The series' step, as the forecast continues the timestamps: the interval between the last two
     * rows.
     *
     * @return the step
     * @throws IllegalArgumentException for a single row
     */
    public Duration step() {
        if (rows() < 2) {
            throw new IllegalArgumentException(source + ": one row has no time step");
        }
        return Duration.between(times[rows() - 2], times[rows() - 1]);
    }

    /**
     * The first rows of the table.
     *
     * @param n how many
     * @return a table of rows [0, n)
     */
    public SeriesTable head(int n) {
        if (n < 1 || n > rows()) {
            throw new IllegalArgumentException(
                    source + ": cannot keep " + n + " of " + rows() + " rows");
        }
        return new SeriesTable(
                source,
                dateColumn,
                columns,
                Arrays.copyOf(times, n),
                Arrays.copyOf(values, n * channels()));
    }
}
