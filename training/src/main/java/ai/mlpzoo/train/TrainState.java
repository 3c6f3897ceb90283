package ai.mlpzoo.train;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;

/** What a checkpoint records besides the weights: where the run stands and how it got there. */
@JsonIgnoreProperties(ignoreUnknown = true)
public class TrainState {

    /** Epochs completed. */
    @JsonProperty("epoch")
    public int epoch;

    /** Optimiser steps completed. */
    @JsonProperty("step")
    public long step;

    @JsonProperty("options")
    public TrainOptions options;

    @JsonProperty("dataset")
    public String dataset;

    @JsonProperty("history")
    public List<EpochRecord> history = new ArrayList<>();
}
