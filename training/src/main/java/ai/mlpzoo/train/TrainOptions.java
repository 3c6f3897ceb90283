package ai.mlpzoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** Hyper-parameters of a classifier training run; saved in every checkpoint. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class TrainOptions {

    @JsonProperty("epochs")
    public int epochs = 30;

    @JsonProperty("batch")
    public int batch = 128;

    /** Peak learning rate, reached after the warm-up. */
    @JsonProperty("lr")
    public double lr = 2e-3;

    /** Learning rate at the end of the cosine decay. */
    @JsonProperty("min_lr")
    public double minLr = 1e-5;

    @JsonProperty("weight_decay")
    public double weightDecay = 0.05;

    @JsonProperty("warmup_epochs")
    public double warmupEpochs = 1;

    @JsonProperty("label_smoothing")
    public double labelSmoothing = 0.1;

    /** Largest random shift in pixels (0: none). */
    @JsonProperty("augment_shift")
    public int augmentShift = 2;

    @JsonProperty("augment_flip")
    public boolean augmentFlip = true;

    @JsonProperty("seed")
    public long seed = 42;

    /** Use only the first n training images (0: all). */
    @JsonProperty("train_limit")
    public int trainLimit;

    /**
     * Checks the values.
     *
     * @return this
     */
    public TrainOptions validate() {
        require(epochs > 0, "epochs must be positive, got " + epochs);
        require(batch > 0, "batch must be positive, got " + batch);
        require(lr > 0 && Double.isFinite(lr), "lr must be positive, got " + lr);
        require(minLr >= 0 && minLr <= lr, "min_lr must be in [0, lr], got " + minLr);
        require(weightDecay >= 0, "weight_decay must be >= 0, got " + weightDecay);
        require(warmupEpochs >= 0, "warmup_epochs must be >= 0, got " + warmupEpochs);
        require(
                labelSmoothing >= 0 && labelSmoothing < 1,
                "label_smoothing must be in [0, 1), got " + labelSmoothing);
        require(
                augmentShift >= 0 && augmentShift < 14,
                "augment_shift must be in [0, 14), got " + augmentShift);
        require(trainLimit >= 0, "train_limit must be >= 0, got " + trainLimit);
        return this;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
