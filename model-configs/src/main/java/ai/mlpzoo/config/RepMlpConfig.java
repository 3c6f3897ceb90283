package ai.mlpzoo.config;

import ai.djl.ndarray.types.Shape;
import ai.mlpzoo.blocks.repmlp.RepMlpNet;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;

/**
 * RepMLPNet (Ding et al. 2022) as the reference {@code RepMLPNet}'s keyword arguments ({@code
 * DingXiaoH/RepMLP repmlpnet.py}), so that a checkpoint's {@code config.json} binds directly, plus
 * {@code input_size} [C, H, W] (H = W; the reference takes any size its partitions tile, the model
 * here is built for one). {@code deploy} selects the re-parameterised structure; {@code
 * use_checkpoint} (gradient checkpointing, a training-memory switch) is kept for the reference's
 * sake and has no effect. The rules live in {@link RepMlpNet.Builder}; {@link #validate()} runs
 * them.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RepMlpConfig implements ModelConfig {

    /** The {@code model_type} of this family. */
    public static final String MODEL_TYPE = "repmlp";

    @JsonProperty("model_type")
    public String modelType = MODEL_TYPE;

    @JsonProperty("name")
    public String name;

    @JsonProperty("input_size")
    public int[] inputSize = {3, 224, 224};

    @JsonProperty("in_channels")
    public int inChannels = 3;

    @JsonProperty("num_class")
    public int numClass = 1000;

    @JsonProperty("patch_size")
    public int[] patchSize = {4, 4};

    @JsonProperty("num_blocks")
    public int[] numBlocks = {2, 2, 6, 2};

    @JsonProperty("channels")
    public int[] channels = {192, 384, 768, 1536};

    @JsonProperty("hs")
    public int[] hs = {64, 32, 16, 8};

    @JsonProperty("ws")
    public int[] ws = {64, 32, 16, 8};

    @JsonProperty("sharesets_nums")
    public int[] sharesetsNums = {4, 8, 16, 32};

    @JsonProperty("reparam_conv_k")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public int[] reparamConvK = {3};

    @JsonProperty("globalperceptron_reduce")
    public int globalperceptronReduce = 4;

    @JsonProperty("use_checkpoint")
    public boolean useCheckpoint;

    @JsonProperty("deploy")
    public boolean deploy;

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public RepMlpConfig validate() {
        toBlock();
        return this;
    }

    @Override
    public RepMlpNet toBlock() {
        if (!MODEL_TYPE.equals(modelType)) {
            throw new ConfigException(
                    "field 'model_type' must be '" + MODEL_TYPE + "', got '" + modelType + "'");
        }
        if (inputSize == null
                || inputSize.length != 3
                || inputSize[0] != inChannels
                || inputSize[1] != inputSize[2]) {
            throw new ConfigException(
                    "field 'input_size' must be [in_channels, H, H] (a square image of "
                            + inChannels
                            + " channels), got "
                            + Arrays.toString(inputSize));
        }
        checkFits();
        return ConfigException.fromBuilder(
                () ->
                        RepMlpNet.builder()
                                .setImageSize(inputSize[1])
                                .optInChannels(inChannels)
                                .optNumClass(numClass)
                                .optPatchSize(patchSize)
                                .setNumBlocks(numBlocks)
                                .setChannels(channels)
                                .setHs(hs)
                                .setWs(ws)
                                .setSharesetsNums(sharesetsNums)
                                .optReparamConvK(reparamConvK)
                                .optGlobalperceptronReduce(globalperceptronReduce)
                                .optDeploy(deploy)
                                .build());
    }

    /** Refuses sizes this JVM cannot hold (a lower bound: the FFNs and the partitioned FCs). */
    private void checkFits() {
        if (numBlocks == null
                || channels == null
                || hs == null
                || ws == null
                || sharesetsNums == null) {
            return; // the builder names the field
        }
        int n = Math.min(numBlocks.length, channels.length);
        n = Math.min(n, Math.min(hs.length, Math.min(ws.length, sharesetsNums.length)));
        double params = 0;
        for (int s = 0; s < n; s++) {
            double c = channels[s];
            double hw = (double) hs[s] * ws[s];
            params += Math.max(0, numBlocks[s]) * (8 * c * c + sharesetsNums[s] * hw * hw);
        }
        Configs.checkFits(
                params,
                String.format(
                        Locale.ROOT,
                        "fields channels=%s, num_blocks=%s, hs=%s, ws=%s, sharesets_nums=%s",
                        Arrays.toString(channels),
                        Arrays.toString(numBlocks),
                        Arrays.toString(hs),
                        Arrays.toString(ws),
                        Arrays.toString(sharesetsNums)));
    }

    @Override
    public Shape inputShape() {
        return new Shape(1, inChannels, inputSize[1], inputSize[2]);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s(img=%d, channels=%s, blocks=%s, classes=%d%s)",
                name == null ? "repmlp" : name,
                inputSize == null || inputSize.length < 2 ? -1 : inputSize[1],
                Arrays.toString(channels),
                Arrays.toString(numBlocks),
                numClass,
                deploy ? ", deploy" : "");
    }
}
