package ai.mlpzoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** What a forecasting checkpoint records besides the weights: the run's position and history. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ForecastState {

    /** One epoch of a run: a row of metrics.csv. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public static class Epoch {
        /** The CSV header. */
        public static final String CSV_HEADER =
                "epoch,step,lr,train_loss,val_loss,windows_per_s,epoch_seconds";

        @JsonProperty("epoch")
        public int epoch;

        @JsonProperty("step")
        public long step;

        @JsonProperty("lr")
        public double lr;

        @JsonProperty("train_loss")
        public double trainLoss;

        @JsonProperty("val_loss")
        public double valLoss;

        @JsonProperty("windows_per_s")
        public double windowsPerSecond;

        @JsonProperty("epoch_seconds")
        public double epochSeconds;

        /**
         * @return the CSV row
         */
        public String toCsv() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d,%d,%.6g,%.6f,%.6f,%.1f,%.1f",
                    epoch,
                    step,
                    lr,
                    trainLoss,
                    valLoss,
                    windowsPerSecond,
                    epochSeconds);
        }
    }

    /** Epochs completed. */
    @JsonProperty("epoch")
    public int epoch;

    /** Optimiser steps completed. */
    @JsonProperty("step")
    public long step;

    @JsonProperty("options")
    public ForecastOptions options;

    /** etth1, etth2 or the CSV's path. */
    @JsonProperty("dataset")
    public String dataset;

    /** The CSV's split fractions, null for ETT. */
    @JsonProperty("split")
    public double[] split;

    /** The lowest validation loss so far (the weights in {@code best/}). */
    @JsonProperty("best_val_loss")
    public double bestValLoss = Double.POSITIVE_INFINITY;

    /** The epoch of {@link #bestValLoss}. */
    @JsonProperty("best_epoch")
    public int bestEpoch;

    /** Epochs since the validation loss last fell (early stopping at the patience). */
    @JsonProperty("bad_epochs")
    public int badEpochs;

    @JsonProperty("history")
    public List<Epoch> history = new ArrayList<>();
}
