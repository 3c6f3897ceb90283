package ai.mlpzoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One row of metrics.csv: the state of a run after an epoch. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class EpochRecord {

    /** The CSV header. */
    public static final String CSV_HEADER =
            "epoch,step,lr,train_loss,train_acc,test_loss,test_acc,images_per_s,epoch_seconds";

    @JsonProperty("epoch")
    public int epoch;

    @JsonProperty("step")
    public long step;

    @JsonProperty("lr")
    public double lr;

    @JsonProperty("train_loss")
    public double trainLoss;

    @JsonProperty("train_acc")
    public double trainAcc;

    @JsonProperty("test_loss")
    public double testLoss;

    @JsonProperty("test_acc")
    public double testAcc;

    @JsonProperty("images_per_s")
    public double imagesPerSecond;

    @JsonProperty("epoch_seconds")
    public double epochSeconds;

    /**
     * @return the CSV row
     */
    public String toCsv() {
        return String.format(
                java.util.Locale.ROOT,
                "%d,%d,%.6g,%.5f,%.5f,%.5f,%.5f,%.1f,%.1f",
                epoch,
                step,
                lr,
                trainLoss,
                trainAcc,
                testLoss,
                testAcc,
                imagesPerSecond,
                epochSeconds);
    }
}
