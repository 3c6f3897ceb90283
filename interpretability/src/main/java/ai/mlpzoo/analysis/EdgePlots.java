package ai.mlpzoo.analysis;

import ai.mlpzoo.blocks.kan.KAN;
import ai.mlpzoo.blocks.kan.KANLinear;
import ai.mlpzoo.blocks.kan.KanEdges;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG plots of KAN edge functions phi(x) (XChart): one edge, or every edge of a network as a grid
 * of small charts, layer by layer, the picture KAN users read symbolic structure from.
 */
public final class EdgePlots {

    private EdgePlots() {}

    /**
     * Plots one edge.
     *
     * @param layer the layer
     * @param input i
     * @param output j
     * @param points samples over the grid
     * @param file the PNG to write
     * @throws IOException when writing fails
     */
    public static void writeEdge(KANLinear layer, int input, int output, int points, Path file)
            throws IOException {
        XYChart chart =
                edgeChart(
                        KanEdges.of(layer),
                        input,
                        output,
                        points,
                        480,
                        360,
                        "phi " + input + " -> " + output);
        save(chart, file);
    }

    /**
     * Plots every edge of a network: a row of charts per layer, layers stacked.
     *
     * @param kan the network
     * @param file the PNG to write
     * @param points samples per edge
     * @throws IOException when writing fails
     */
    public static void writeNetwork(KAN kan, Path file, int points) throws IOException {
        List<List<BufferedImage>> rows = new ArrayList<>();
        int w = 240;
        int h = 180;
        for (int l = 0; l < kan.getLayers().size(); l++) {
            KanEdges edges = KanEdges.of(kan.getLayers().get(l));
            List<BufferedImage> row = new ArrayList<>();
            for (int j = 0; j < edges.outFeatures(); j++) {
                for (int i = 0; i < edges.inFeatures(); i++) {
                    String title = "L" + l + ": x" + i + " -> h" + j;
                    row.add(
                            BitmapEncoder.getBufferedImage(
                                    edgeChart(edges, i, j, points, w, h, title)));
                }
            }
            rows.add(row);
        }
        int cols = rows.stream().mapToInt(List::size).max().orElse(1);
        BufferedImage all =
                new BufferedImage(cols * w, rows.size() * h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = all.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, all.getWidth(), all.getHeight());
        for (int r = 0; r < rows.size(); r++) {
            for (int c = 0; c < rows.get(r).size(); c++) {
                g.drawImage(rows.get(r).get(c), c * w, r * h, null);
            }
        }
        g.dispose();
        // ImageIO.write(.., File) deletes the target first: write through AtomicFiles instead
        ai.mlpzoo.io.AtomicFiles.write(file, os -> javax.imageio.ImageIO.write(all, "png", os));
    }

    /**
     * Test RMSE against parameter count, log-log, for a KAN and an MLP.
     *
     * @param kan {params, rmse} points of the KAN
     * @param mlp {params, rmse} points of the MLP
     * @param file the PNG
     * @throws IOException when writing fails
     */
    public static void writeScaling(List<double[]> kan, List<double[]> mlp, Path file)
            throws IOException {
        XYChart chart =
                new XYChartBuilder()
                        .width(560)
                        .height(420)
                        .title("f(x,y) = exp(sin(pi x) + y^2)")
                        .xAxisTitle("parameters")
                        .yAxisTitle("test RMSE")
                        .build();
        chart.getStyler()
                .setXAxisLogarithmic(true)
                .setYAxisLogarithmic(true)
                .setLegendPosition(Styler.LegendPosition.InsideNE);
        addSeries(chart, "KAN (G = 3, 5, 10, 20)", kan);
        addSeries(chart, "MLP, same parameters", mlp);
        save(chart, file);
    }

    private static void addSeries(XYChart chart, String name, List<double[]> pts) {
        double[] x = pts.stream().mapToDouble(p -> p[0]).toArray();
        double[] y = pts.stream().mapToDouble(p -> p[1]).toArray();
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }

    private static XYChart edgeChart(
            KanEdges edges, int input, int output, int points, int w, int h, String title) {
        // Chebyshev-spaced samples: denser at the ends, and not equally spaced, which sends XChart
        // 3.8.8
        // into a tick-label search that may never end
        double[] r = edges.range(input);
        double[][] xy = new double[2][points];
        for (int p = 0; p < points; p++) {
            double x = r[0] + (r[1] - r[0]) * (1 - Math.cos(Math.PI * p / (points - 1))) / 2;
            xy[0][p] = x;
            xy[1][p] = edges.phi(input, output, p == points - 1 ? Math.nextDown(r[1]) : x);
        }
        XYChart chart = new XYChartBuilder().width(w).height(h).title(title).build();
        chart.getStyler().setLegendVisible(false).setMarkerSize(0);
        // explicit axis bounds: XChart's tick search does not terminate on a flat (constant) curve
        double lo = java.util.Arrays.stream(xy[1]).min().orElse(0);
        double hi = java.util.Arrays.stream(xy[1]).max().orElse(0);
        double pad = hi - lo > 1e-6 * Math.max(1, Math.abs(hi)) ? 0.05 * (hi - lo) : 0.5;
        chart.getStyler()
                .setYAxisMin(lo - pad)
                .setYAxisMax(hi + pad)
                .setXAxisMin(xy[0][0])
                .setXAxisMax(xy[0][xy[0].length - 1]);
        XYSeries s = chart.addSeries("phi", xy[0], xy[1]);
        s.setMarker(SeriesMarkers.NONE);
        return chart;
    }

    private static void save(XYChart chart, Path file) throws IOException {
        byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        ai.mlpzoo.io.AtomicFiles.write(file, os -> os.write(png));
    }
}
