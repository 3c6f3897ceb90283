package ai.mlpzoo.bench;

import java.util.List;
import java.util.Locale;

/**
 * The table of {@code mlpzoo bench --reference}: each case's median beside its PyTorch reference's
 * median of the same run, and the speed-up reference / ours (above 1: ours is faster).
 *
 * @param rows one per case, in the order run
 */
public record Comparison(List<Row> rows) {

    /**
     * One case of the table.
     *
     * @param name the case
     * @param ours our result (possibly skipped)
     * @param reference the reference's result (possibly skipped)
     */
    public record Row(String name, BenchResult ours, BenchResult reference) {

        /**
         * @return reference / ours (median ms per step), or NaN when a side did not run
         */
        public double speedUp() {
            double o = ms(ours);
            double r = ms(reference);
            return Double.isNaN(o) || Double.isNaN(r) || o <= 0 ? Double.NaN : r / o;
        }
    }

    private static double ms(BenchResult r) {
        return r == null || r.skipped() != null ? Double.NaN : r.medianMs();
    }

    /**
     * @return the table in Markdown: {@code | case | ours | reference | speed-up (reference/ours)
     *     |}, medians in ms, {@code n/a} where a side is missing
     */
    public String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | ours | reference | speed-up (reference/ours) |\n");
        sb.append("| --- | --- | --- | --- |\n");
        for (Row r : rows) {
            double s = r.speedUp();
            sb.append("| ")
                    .append(r.name())
                    .append(" | ")
                    .append(cell(r.ours()))
                    .append(" | ")
                    .append(cell(r.reference()))
                    .append(" | ")
                    .append(Double.isNaN(s) ? "n/a" : String.format(Locale.ROOT, "%.2f", s))
                    .append(" |\n");
        }
        return sb.toString();
    }

    private static String cell(BenchResult r) {
        double m = ms(r);
        return Double.isNaN(m) ? "n/a" : BenchResult.fmt(m) + " ms";
    }
}
