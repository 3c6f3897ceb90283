package ai.mlpzoo.analysis.studies;

import ai.mlpzoo.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A study's result: a header, rows of cells (numbers formatted already), and notes (sizes, the
 * definitions used). Printed as markdown and written as CSV.
 */
public final class StudyTable {

    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * Creates an empty table.
     *
     * @param title the study's title
     * @param header the column names
     */
    public StudyTable(String title, List<String> header) {
        this.title = title;
        this.header = List.copyOf(header);
    }

    /**
     * Adds a row: a label and the numbers of the other columns.
     *
     * @param label the first cell
     * @param numbers the other cells, NaN for none
     */
    public void add(String label, double... numbers) {
        if (numbers.length != header.size() - 1) {
            throw new IllegalArgumentException(
                    "row '"
                            + label
                            + "' has "
                            + (numbers.length + 1)
                            + " cells, the header "
                            + header.size());
        }
        List<String> cells = new ArrayList<>();
        cells.add(label);
        for (double v : numbers) {
            cells.add(format(v));
        }
        rows.add(cells);
        values.add(numbers.clone());
    }

    /**
     * Adds a note printed under the table.
     *
     * @param note one sentence
     */
    public void note(String note) {
        notes.add(note);
    }

    private static String format(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * @return the column names
     */
    public List<String> header() {
        return header;
    }

    /**
     * @return the number of rows
     */
    public int size() {
        return rows.size();
    }

    /**
     * @param row the row
     * @return its label
     */
    public String label(int row) {
        return rows.get(row).get(0);
    }

    /**
     * @param row the row
     * @param column the column's name (not the label column)
     * @return the number in that cell (NaN for an empty one)
     */
    public double value(int row, String column) {
        int c = header.indexOf(column);
        if (c < 1) {
            throw new IllegalArgumentException("no numeric column '" + column + "' in " + header);
        }
        return values.get(row)[c - 1];
    }

    /**
     * @return the notes
     */
    public List<String> notes() {
        return List.copyOf(notes);
    }

    /**
     * @return the table as markdown, notes below it
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
        sb.append(" --- |".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        for (String n : notes) {
            sb.append('\n').append(n).append('\n');
        }
        return sb.toString();
    }

    /**
     * @return the table as CSV (header line, then a line per row)
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder();
        sb.append(csvLine(header));
        for (List<String> r : rows) {
            sb.append(csvLine(r));
        }
        return sb.toString();
    }

    private static String csvLine(List<String> cells) {
        List<String> quoted = new ArrayList<>();
        for (String c : cells) {
            quoted.add(
                    c.contains(",") || c.contains("\"")
                            ? "\"" + c.replace("\"", "\"\"") + "\""
                            : c);
        }
        return String.join(",", quoted) + "\n";
    }

    /**
     * Writes {@code <name>.csv} and {@code <name>.md} into a folder.
     *
     * @param dir the folder (created)
     * @param name the files' base name
     * @throws IOException when they cannot be written
     */
    public void write(Path dir, String name) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve(name + ".csv"), toCsv());
        AtomicFiles.writeString(dir.resolve(name + ".md"), "## " + title + "\n\n" + toMarkdown());
    }
}
