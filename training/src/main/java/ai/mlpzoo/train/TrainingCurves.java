package ai.mlpzoo.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** Loss and accuracy by epoch as a PNG (XChart), written beside metrics.csv. */
public final class TrainingCurves {

    private TrainingCurves() {}

    /**
     * Writes the curves.
     *
     * @param history the epochs so far
     * @param title the run's name
     * @param png the file to write
     * @throws IOException when writing fails
     */
    public static void write(List<EpochRecord> history, String title, Path png) throws IOException {
        int n = history.size();
        double[] x = new double[n];
        double[] trainLoss = new double[n];
        double[] testLoss = new double[n];
        double[] trainAcc = new double[n];
        double[] testAcc = new double[n];
        for (int i = 0; i < n; i++) {
            EpochRecord r = history.get(i);
            x[i] = r.epoch;
            trainLoss[i] = r.trainLoss;
            testLoss[i] = r.testLoss;
            trainAcc[i] = 100 * r.trainAcc;
            testAcc[i] = 100 * r.testAcc;
        }
        XYChart loss = chart(title + ": loss", "loss");
        loss.addSeries("train", x, trainLoss);
        loss.addSeries("test", x, testLoss);
        XYChart acc = chart(title + ": accuracy", "accuracy (%)");
        acc.addSeries("train", x, trainAcc);
        acc.addSeries("test", x, testAcc);
        java.util.List<XYChart> charts = List.of(loss, acc);
        ai.mlpzoo.io.AtomicFiles.write(
                png,
                os -> BitmapEncoder.saveBitmap(charts, 1, 2, os, BitmapEncoder.BitmapFormat.PNG));
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c =
                new XYChartBuilder()
                        .width(600)
                        .height(400)
                        .title(title)
                        .xAxisTitle("epoch")
                        .yAxisTitle(yTitle)
                        .build();
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setMarkerSize(4);
        return c;
    }

    /**
     * Writes loss curves alone (forecasting runs have no accuracy).
     *
     * @param title the run's name
     * @param epochs the x values
     * @param names the series' names
     * @param losses one array per series, as long as {@code epochs}
     * @param png the file to write
     * @throws IOException when writing fails
     */
    public static void writeLosses(
            String title, double[] epochs, List<String> names, List<double[]> losses, Path png)
            throws IOException {
        XYChart loss = chart(title + ": loss", "loss");
        for (int i = 0; i < names.size(); i++) {
            loss.addSeries(names.get(i), epochs, losses.get(i));
        }
        ai.mlpzoo.io.AtomicFiles.write(
                png, os -> BitmapEncoder.saveBitmap(loss, os, BitmapEncoder.BitmapFormat.PNG));
    }
}
