package ai.mlpzoo.cli;

import ai.djl.inference.Predictor;
import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.data.timeseries.SeriesTable;
import ai.mlpzoo.io.AtomicFiles;
import ai.mlpzoo.translate.Forecast;
import ai.mlpzoo.translate.ForecastTranslator;
import ai.mlpzoo.translate.ModelInfo;
import ai.mlpzoo.translate.TimeFeatures;
import ai.mlpzoo.translate.TimeSeries;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mlpzoo forecast --model <dir> --input <csv>}: forecasts a user's series in its own units.
 * The window is the {@code context} rows before {@code --at} (default: the end of the file); the
 * values are z-scored with the train mean and std of the model's metadata, forecast, and mapped
 * back; the timestamps continue at the data's step. With {@code --plot} a PNG shows the history,
 * the forecast and, when the file continues past the window, the actual values.
 */
@Command(
        name = "forecast",
        mixinStandardHelpOptions = true,
        description =
                "Forecast a CSV series (date column + value columns) with a forecasting model, in the"
                        + " series' units; write the forecast as CSV and optionally a PNG plot.")
final class ForecastCommand implements Callable<Integer> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Option(
            names = "--model",
            required = true,
            paramLabel = "<artifact-or-model-dir>",
            description = "a forecasting model directory, or a zoo artifact as artifact[/variant]")
    String model;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "<csv>",
            description = "the series: a header, a timestamp column, then the model's columns")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "<csv>",
            description = "where to write the forecast (default: standard output)")
    Path output;

    @Option(names = "--plot", paramLabel = "<png>", description = "also draw the forecast")
    Path plot;

    @Option(
            names = "--at",
            paramLabel = "<row-or-timestamp>",
            description =
                    "where the forecast starts: a data row (0 = the first row after the header) or"
                            + " a timestamp in the file; the window is the rows before it"
                            + " (default: after the last row)")
    String at;

    @Option(names = "--force", description = "replace existing --output or --plot files")
    boolean force;

    @Override
    public Integer call() throws Exception {
        checkOutput(output);
        checkOutput(plot);
        try (Forecasting.Loaded f = Forecasting.loadIfForecaster(model, true)) {
            if (f == null) {
                throw new IllegalArgumentException(
                        model
                                + " is not a forecasting model: its architecture.json is not a"
                                + " forecaster's");
            }
            return forecast(f);
        }
    }

    private void checkOutput(Path p) {
        if (p != null && !force && java.nio.file.Files.exists(p)) {
            throw new IllegalArgumentException(p + " exists: name a new file or add --force");
        }
    }

    /** The translator's view of the model: its window shape, statistics and step. */
    private static ModelInfo translatorInfo(
            Forecasting.Loaded f, ForecastConfig config, double[] mean, double[] std, Duration step)
            throws java.io.IOException {
        com.fasterxml.jackson.databind.node.ObjectNode info =
                ai.mlpzoo.config.Configs.MAPPER.createObjectNode();
        info.putArray("input_size").add(config.contextLength()).add(config.inputChannels());
        info.put("horizon", config.horizon());
        info.put("time_features", config.timeFeatures());
        if (f.metadata.get("mean") != null && f.metadata.get("std") != null) {
            com.fasterxml.jackson.databind.node.ArrayNode m = info.putArray("mean");
            com.fasterxml.jackson.databind.node.ArrayNode s = info.putArray("std");
            for (int j = 0; j < mean.length; j++) {
                m.add(mean[j]);
                s.add(std[j]);
            }
        }
        info.put("step", step.toString());
        return ModelInfo.parse(info.toString(), "metadata.json");
    }

    private int forecast(Forecasting.Loaded f) throws Exception {
        ForecastConfig config = f.config;
        int ctx = config.contextLength();
        int h = config.horizon();
        int c = config.inputChannels();
        SeriesTable table = SeriesTable.readCsv(input);
        int[] cols = columns(f.metadata, table, c);
        double[] mean = Forecasting.channelArray(f.metadata, "mean", c, model);
        double[] std = Forecasting.channelArray(f.metadata, "std", c, model);
        if (mean == null || std == null) {
            System.err.println(
                    "note: "
                            + model
                            + "'s metadata.json has no mean/std: the values go in and come out"
                            + " unscaled");
            mean = new double[c];
            std = new double[c];
            java.util.Arrays.fill(std, 1);
        }
        int start = start(table);
        if (start < ctx) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: the model reads %d rows of history but %s; give a longer series"
                                    + " or a later --at",
                            input,
                            ctx,
                            start == table.rows()
                                    ? "the file has only " + table.rows()
                                    : "only " + start + " rows precede --at " + at));
        }
        Duration step = step(f.metadata, table);
        // the window in the file's units; the forecast translator scales it with the training
        // statistics and back, the same code as the zoo's Criteria and the service's endpoint, so
        // that the three give identical numbers
        float[][] window = new float[ctx][c];
        LocalDateTime[] times = new LocalDateTime[ctx];
        for (int t = 0; t < ctx; t++) {
            int row = start - ctx + t;
            times[t] = table.time(row);
            for (int j = 0; j < c; j++) {
                window[t][j] = (float) table.value(row, cols[j]);
            }
        }
        if (config.timeFeatures() > 0 && config.timeFeatures() != TimeFeatures.HOURLY) {
            throw new IllegalArgumentException(
                    "the model takes "
                            + config.timeFeatures()
                            + " time features per step; this command computes the "
                            + TimeFeatures.HOURLY
                            + " hourly ones");
        }
        ForecastTranslator translator =
                new ForecastTranslator(translatorInfo(f, config, mean, std, step));
        Forecast result;
        try (Predictor<TimeSeries, Forecast> predictor = f.model.newPredictor(translator)) {
            result = predictor.predict(new TimeSeries(window, times));
        } catch (ai.djl.translate.TranslateException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof ai.mlpzoo.translate.NonFiniteOutputError) {
                    throw new IllegalStateException(
                            model
                                    + ": the forecast is not finite; the model's weights are"
                                    + " corrupt");
                }
            }
            throw e;
        }
        double[][] forecast = new double[h][c];
        LocalDateTime[] future = result.timestamps();
        for (int t = 0; t < h; t++) {
            for (int j = 0; j < c; j++) {
                forecast[t][j] = result.values()[t][j];
            }
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < c; j++) {
            names.add(table.columns().get(cols[j]));
        }
        StringBuilder csv = new StringBuilder(table.dateColumn());
        names.forEach(n -> csv.append(',').append(n));
        csv.append('\n');
        for (int t = 0; t < h; t++) {
            csv.append(future[t].format(TIME));
            for (int j = 0; j < c; j++) {
                csv.append(',').append((float) forecast[t][j]);
            }
            csv.append('\n');
        }
        if (output == null) {
            System.out.print(csv);
        } else {
            AtomicFiles.writeString(output, csv.toString());
            System.err.printf(
                    Locale.ROOT,
                    "forecast of %d steps from %s written to %s%n",
                    h,
                    future[0].format(TIME),
                    output);
        }
        int known = Math.min(h, table.rows() - start);
        if (known > 0) {
            double se = 0;
            double ae = 0;
            for (int t = 0; t < known; t++) {
                for (int j = 0; j < c; j++) {
                    double d = forecast[t][j] - table.value(start + t, cols[j]);
                    se += d * d;
                    ae += Math.abs(d);
                }
            }
            System.err.printf(
                    Locale.ROOT,
                    "against the %d actual rows that follow: mse=%.6g mae=%.6g (original units)%n",
                    known,
                    se / (known * c),
                    ae / (known * c));
        }
        if (plot != null) {
            plot(table, cols, names, start, ctx, forecast, known);
        }
        return 0;
    }

    /** Maps the model's channels to the file's columns, by the names in the metadata. */
    private int[] columns(JsonNode meta, SeriesTable table, int c) {
        JsonNode names = meta.get("columns");
        int[] cols = new int[c];
        if (names == null || !names.isArray()) {
            if (table.channels() != c) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s has %d value columns but the model takes %d channels",
                                input,
                                table.channels(),
                                c));
            }
            for (int j = 0; j < c; j++) {
                cols[j] = j;
            }
            return cols;
        }
        if (names.size() != c) {
            throw new IllegalArgumentException(
                    model
                            + ": metadata.json names "
                            + names.size()
                            + " columns for "
                            + c
                            + " channels");
        }
        List<String> missing = new ArrayList<>();
        for (int j = 0; j < c; j++) {
            cols[j] = table.columns().indexOf(names.get(j).asText());
            if (cols[j] < 0) {
                missing.add(names.get(j).asText());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s lacks the column%s %s that the model forecasts (it has %s); the"
                                    + " model takes %d channels: %s",
                            input,
                            missing.size() == 1 ? "" : "s",
                            String.join(", ", missing),
                            String.join(", ", table.columns()),
                            c,
                            names.toString()));
        }
        return cols;
    }

    /** The first forecast row: --at as a row or a timestamp, else the end of the file. */
    private int start(SeriesTable table) {
        if (at == null) {
            return table.rows();
        }
        if (at.matches("\\d+")) {
            long row = Long.parseLong(at);
            if (row > table.rows()) {
                throw new IllegalArgumentException(
                        "--at " + at + " is past the " + table.rows() + " data rows of " + input);
            }
            return (int) row;
        }
        for (int r = 0; r < table.rows(); r++) {
            if (table.time(r).format(TIME).equals(at)
                    || table.time(r).toString().equals(at)
                    || table.time(r).format(TIME).startsWith(at + ":")) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "--at "
                        + at
                        + " is neither a row number nor a timestamp of "
                        + input
                        + " (write yyyy-MM-dd HH:mm:ss, e.g. "
                        + table.time(0).format(TIME)
                        + ")");
    }

    private static Duration step(JsonNode meta, SeriesTable table) {
        JsonNode s = meta.get("step_seconds");
        if (s != null && s.canConvertToLong() && s.asLong() > 0) {
            return Duration.ofSeconds(s.asLong());
        }
        return table.step();
    }

    private void plot(
            SeriesTable table,
            int[] cols,
            List<String> names,
            int start,
            int ctx,
            double[][] forecast,
            int known)
            throws java.io.IOException {
        int c = cols.length;
        int h = forecast.length;
        int shown = Math.min(c, 8); // a grid of more panels is unreadable
        List<XYChart> charts = new ArrayList<>();
        for (int j = 0; j < shown; j++) {
            XYChart chart =
                    new XYChartBuilder()
                            .width(560)
                            .height(300)
                            .title(names.get(j))
                            .xAxisTitle("steps after " + table.time(start - 1).format(TIME))
                            .yAxisTitle(names.get(j))
                            .build();
            chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            chart.getStyler().setMarkerSize(0);
            double[] hx = new double[ctx];
            double[] hy = new double[ctx];
            for (int t = 0; t < ctx; t++) {
                hx[t] = t - ctx + 1;
                hy[t] = table.value(start - ctx + t, cols[j]);
            }
            chart.addSeries("history", hx, hy);
            double[] fx = new double[h];
            double[] fy = new double[h];
            for (int t = 0; t < h; t++) {
                fx[t] = t + 1;
                fy[t] = forecast[t][j];
            }
            chart.addSeries("forecast", fx, fy);
            if (known > 0) {
                double[] ax = new double[known];
                double[] ay = new double[known];
                for (int t = 0; t < known; t++) {
                    ax[t] = t + 1;
                    ay[t] = table.value(start + t, cols[j]);
                }
                chart.addSeries("actual", ax, ay);
            }
            charts.add(chart);
        }
        AtomicFiles.write(
                plot,
                os ->
                        BitmapEncoder.saveBitmap(
                                charts, shown, 1, os, BitmapEncoder.BitmapFormat.PNG));
        PrintStream err = System.err;
        err.printf(
                Locale.ROOT,
                "plot written to %s%s%n",
                plot,
                c > shown ? " (the first " + shown + " of " + c + " columns)" : "");
    }
}
