package ai.mlpzoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Locale;

/**
 * Hyper-parameters of a forecasting run, saved in every checkpoint. The defaults are TimeMixer's
 * ETTh1 script ({@code TimeMixer_ETTh1_unify.sh} with {@code run.py}'s defaults): Adam at lr 0.01,
 * batch 128, 10 epochs, patience 10, {@code lradj TST} (one-cycle, pct_start 0.2), MSE loss.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public class ForecastOptions {

    /** The schedules: {@code tst} one-cycle, {@code type1} halving each epoch, {@code constant}. */
    public static final List<String> SCHEDULES = List.of("tst", "type1", "constant");

    @JsonProperty("epochs")
    public int epochs = 10;

    @JsonProperty("batch")
    public int batch = 128;

    /** The peak (one-cycle) or initial learning rate. */
    @JsonProperty("lr")
    public double lr = 0.01;

    /** Epochs without a lower validation loss before the run stops. */
    @JsonProperty("patience")
    public int patience = 10;

    /** The learning-rate schedule, one of {@link #SCHEDULES} (the reference's {@code lradj}). */
    @JsonProperty("lradj")
    public String lradj = "tst";

    /** The rising share of the one-cycle schedule. */
    @JsonProperty("pct_start")
    public double pctStart = 0.2;

    /** Decoupled weight decay (0: Adam, as the references). */
    @JsonProperty("weight_decay")
    public double weightDecay = 0;

    /** The seed of the initialisation and the window order ({@code run.py}'s fix_seed). */
    @JsonProperty("seed")
    public long seed = 2021;

    /** Use only the first n training windows (0: all), for quick runs. */
    @JsonProperty("train_limit")
    public int trainLimit;

    /**
     * Checks the values.
     *
     * @return this
     */
    public ForecastOptions validate() {
        require(epochs > 0, "--epochs must be positive, got " + epochs);
        require(batch > 0 && batch <= 65_536, "--batch must be in [1, 65536], got " + batch);
        require(lr > 0 && Double.isFinite(lr), "--lr must be positive, got " + lr);
        require(patience > 0, "--patience must be positive, got " + patience);
        require(
                lradj != null && SCHEDULES.contains(lradj.toLowerCase(Locale.ROOT)),
                "--lradj must be one of " + String.join(", ", SCHEDULES) + ", got " + lradj);
        lradj = lradj.toLowerCase(Locale.ROOT);
        require(pctStart > 0 && pctStart < 1, "--pct-start must be in (0, 1), got " + pctStart);
        require(
                weightDecay >= 0 && Double.isFinite(weightDecay),
                "--weight-decay must be >= 0, got " + weightDecay);
        require(trainLimit >= 0, "--train-limit must be >= 0, got " + trainLimit);
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
