package ai.mlpzoo.cli;

import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.mlpzoo.data.timeseries.Ett;
import ai.mlpzoo.data.timeseries.ForecastData;
import ai.mlpzoo.data.timeseries.SeriesTable;
import ai.mlpzoo.train.ForecastMetrics;
import ai.mlpzoo.train.ForecastTrainer;
import ai.mlpzoo.translate.Forecast;
import ai.mlpzoo.translate.ModelInfo;
import ai.mlpzoo.translate.TimeSeries;
import ai.mlpzoo.zoo.MlpModelZoo;
import ai.mlpzoo.zoo.MlpZoo;
import ai.mlpzoo.zoo.ZooEntry;
import java.io.FileNotFoundException;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * The forecasters' part of {@code mlpzoo demo}: each pretrained forecaster of the zoo loaded
 * through Criteria as a user would ({@code TimeSeries} to {@code Forecast}), its test MSE and MAE
 * on the z-scored ETT test split over every window when the ETT files are found, else the figures
 * recorded at training (said so), and the latency of one raw window through the translator.
 */
final class DemoForecasters {

    private static final String FORECASTING = "timeseries/forecasting";

    private final int limit;
    private final int latencySamples;

    DemoForecasters(int limit, int latencySamples) {
        this.limit = limit;
        this.latencySamples = latencySamples;
    }

    int run(List<ZooEntry> entries) throws Exception {
        List<ZooEntry> models =
                entries.stream()
                        .filter(e -> FORECASTING.equals(e.application()) && e.pretrained())
                        .collect(Collectors.toList());
        if (models.isEmpty()) {
            return 0;
        }
        System.out.println();
        System.out.println(
                "Forecasters: Criteria.builder().setTypes(TimeSeries.class, Forecast.class)"
                        + ".optGroupId(\""
                        + MlpModelZoo.GROUP_ID
                        + "\").optArtifactId(A).optFilter(\"variant\", V).build().loadModel()");
        Table t =
                new Table(
                        "MODEL",
                        "DATA",
                        ">LOOKBACK",
                        ">HORIZON",
                        ">PARAMS",
                        ">WINDOWS",
                        ">TEST MSE",
                        ">TEST MAE",
                        ">LATENCY ms/window");
        String missing = null;
        for (ZooEntry e : models) {
            System.err.println("evaluating " + e.id() + " ...");
            String dataset = e.properties().getOrDefault("dataset", "etth1");
            boolean present = true;
            try {
                Ett.file(dataset, null);
            } catch (FileNotFoundException | IllegalArgumentException x) {
                present = false;
                missing = x.getMessage();
            }
            t.row(evaluate(e, dataset, present));
        }
        t.print(System.out);
        if (missing != null) {
            System.out.println(
                    "(recorded: the figure measured at training, read from the model's metadata.json;"
                            + " to measure it here: "
                            + missing
                            + ")");
        } else {
            System.out.println(
                    "Test figures: z-scored test split of the papers' ETT split, every window"
                            + " (docs/timeseries.md compares them with the published ones).");
        }
        return 0;
    }

    private Object[] evaluate(ZooEntry e, String dataset, boolean present) throws Exception {
        Criteria<TimeSeries, Forecast> criteria =
                Criteria.builder()
                        .setTypes(TimeSeries.class, Forecast.class)
                        .optGroupId(MlpModelZoo.GROUP_ID)
                        .optArtifactId(e.artifactId())
                        .optFilter("variant", e.variant())
                        .build();
        try (ZooModel<TimeSeries, Forecast> model = MlpZoo.loadModel(criteria);
                Predictor<TimeSeries, Forecast> p = model.newPredictor()) {
            ModelInfo info = ModelInfo.of(model);
            int context = info.inputSize()[0];
            int channels = info.inputSize()[1];
            String windows;
            String mse;
            String mae;
            TimeSeries sample;
            if (present) {
                ForecastData data = Ett.load(dataset, null, context, info.horizon());
                ForecastMetrics m;
                try (NDManager manager = NDManager.newBaseManager()) {
                    m =
                            ForecastTrainer.evaluate(
                                    model.getBlock(),
                                    manager,
                                    data,
                                    ForecastData.Split.TEST,
                                    info.timeFeatures());
                }
                windows = String.format(Locale.ROOT, "%,d", m.windows());
                mse = String.format(Locale.ROOT, "%.4f", m.mse());
                mae = String.format(Locale.ROOT, "%.4f", m.mae());
                sample = firstTestWindow(data);
            } else {
                windows = "recorded";
                mse = recorded(info, "test_mse");
                mae = recorded(info, "test_mae");
                sample = syntheticWindow(info, context, channels);
            }
            int samples = Math.max(1, limit > 0 ? Math.min(limit, latencySamples) : latencySamples);
            for (int i = 0; i < 5; i++) {
                p.predict(sample); // warm-up
            }
            double[] ms = new double[samples];
            for (int i = 0; i < samples; i++) {
                long s = System.nanoTime();
                p.predict(sample);
                ms[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(ms);
            return new Object[] {
                e.id(),
                dataset,
                context,
                info.horizon(),
                ListCommand.params(e.parameters()),
                windows,
                mse,
                mae,
                String.format(Locale.ROOT, "%.2f", ms[ms.length / 2])
            };
        }
    }

    private static String recorded(ModelInfo info, String key) {
        OptionalDouble v = info.figure(key);
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, "%.4f", v.getAsDouble());
    }

    /** The first test window in the data's own units, with its timestamps. */
    private static TimeSeries firstTestWindow(ForecastData data) {
        SeriesTable table = data.table();
        int start = data.borders(ForecastData.Split.TEST)[0];
        int ctx = data.contextLength();
        float[][] values = new float[ctx][data.channels()];
        LocalDateTime[] stamps = new LocalDateTime[ctx];
        for (int t = 0; t < ctx; t++) {
            stamps[t] = table.time(start + t);
            for (int c = 0; c < data.channels(); c++) {
                values[t][c] = (float) table.value(start + t, c);
            }
        }
        return new TimeSeries(values, stamps);
    }

    /** A window at the training mean, hourly from the start of the test period, for latency. */
    private static TimeSeries syntheticWindow(ModelInfo info, int context, int channels) {
        float[] mean = info.mean();
        float[][] values = new float[context][channels];
        LocalDateTime[] stamps = new LocalDateTime[context];
        LocalDateTime t0 = LocalDateTime.of(2017, 10, 20, 0, 0);
        for (int t = 0; t < context; t++) {
            stamps[t] = t0.plusHours(t);
            for (int c = 0; c < channels; c++) {
                values[t][c] = mean == null ? 0f : mean[c] + (float) Math.sin(t / 24.0 * Math.PI);
            }
        }
        return new TimeSeries(values, stamps);
    }
}
