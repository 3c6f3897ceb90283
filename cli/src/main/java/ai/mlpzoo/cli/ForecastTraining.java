package ai.mlpzoo.cli;

import ai.mlpzoo.config.ForecastConfig;
import ai.mlpzoo.data.timeseries.Ett;
import ai.mlpzoo.data.timeseries.ForecastData;
import ai.mlpzoo.data.timeseries.ForecastDatasets;
import ai.mlpzoo.train.Checkpoints;
import ai.mlpzoo.train.ForecastMetrics;
import ai.mlpzoo.train.ForecastOptions;
import ai.mlpzoo.train.ForecastTrainer;
import ai.mlpzoo.zoo.ModelDirs;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * {@code mlpzoo train} for forecasters: {@code --dataset etth1|etth2|<csv> --horizon H}; the
 * config's lookback, horizon and channels are set from the options and the data.
 */
final class ForecastTraining {

    private final TrainCommand cmd;

    ForecastTraining(TrainCommand cmd) {
        this.cmd = cmd;
    }

    /**
     * @param run a run directory
     * @return whether its newest checkpoint holds a forecaster
     * @throws IOException when it cannot be read
     */
    boolean isForecastRun(Path run) throws IOException {
        Path checkpoint = Checkpoints.latest(run);
        return checkpoint != null
                && ModelDirs.readArchitecture(checkpoint) instanceof ForecastConfig;
    }

    int train(ForecastConfig config, String name) throws Exception {
        if (cmd.dataset == null || "fashion-mnist".equals(cmd.dataset)) {
            throw new IllegalArgumentException(
                    "a forecaster trains on a series: give --dataset "
                            + String.join("|", Ett.names())
                            + "|<file.csv>");
        }
        double[] split = cmd.split == null ? null : ForecastDatasets.parseSplit(cmd.split);
        int ctx = cmd.context != null ? cmd.context : config.contextLength();
        int h = cmd.horizon != null ? cmd.horizon : config.horizon();
        String dsName = Ett.isEtt(cmd.dataset) ? cmd.dataset.toLowerCase(Locale.ROOT) : dataName();
        Path dir =
                cmd.out != null
                        ? cmd.out
                        : Paths.get(
                                "runs", String.format(Locale.ROOT, "%s_%s_h%d", name, dsName, h));
        TrainCommand.checkRunDir(dir); // refuse a bad --out before the data set is read
        ForecastData data = ForecastDatasets.open(cmd.dataset, cmd.dataDir, ctx, h, split);
        ForecastConfig shaped = Forecasting.withShape(config, ctx, h, data.channels());
        if (shaped.inputChannels() != config.inputChannels()) {
            System.err.printf(
                    Locale.ROOT,
                    "%s has %d value columns: the model takes %d channels instead of the config's %d%n",
                    cmd.dataset,
                    data.channels(),
                    shaped.inputChannels(),
                    config.inputChannels());
        }
        ForecastOptions o = new ForecastOptions();
        if (cmd.epochs != null) o.epochs = cmd.epochs;
        if (cmd.batch != null) o.batch = cmd.batch;
        if (cmd.lr != null) o.lr = cmd.lr;
        if (cmd.weightDecay != null) o.weightDecay = cmd.weightDecay;
        if (cmd.patience != null) o.patience = cmd.patience;
        if (cmd.lradj != null) o.lradj = cmd.lradj;
        if (cmd.seed != null) o.seed = cmd.seed;
        if (cmd.trainLimit != null) o.trainLimit = cmd.trainLimit;
        return report(new ForecastTrainer().train(shaped, o, data, split, dir), data);
    }

    int resume() throws Exception {
        if (cmd.model != null) {
            throw new IllegalArgumentException(
                    "--resume takes the architecture from the checkpoint: drop " + cmd.model);
        }
        ForecastTrainer.Result r =
                new ForecastTrainer()
                        .resume(cmd.resume, cmd.epochs == null ? 0 : cmd.epochs, cmd.dataDir);
        return report(r, null);
    }

    private String dataName() {
        String base = Paths.get(cmd.dataset).getFileName().toString();
        return base.toLowerCase(Locale.ROOT).endsWith(".csv")
                ? base.substring(0, base.length() - 4)
                : base;
    }

    private static int report(ForecastTrainer.Result r, ForecastData data) {
        double seconds = r.state.history.stream().mapToDouble(e -> e.epochSeconds).sum();
        ForecastMetrics t = r.test;
        System.out.printf(
                Locale.ROOT,
                "trained %d epochs (%d steps, %.0f s of training): best validation MSE %.6f at"
                        + " epoch %d; model in %s%n",
                r.state.epoch,
                r.state.step,
                seconds,
                r.state.bestValLoss,
                r.state.bestEpoch,
                r.modelDir);
        EvalCommand.printForecastMetrics(r.state.dataset, t);
        return 0;
    }
}
