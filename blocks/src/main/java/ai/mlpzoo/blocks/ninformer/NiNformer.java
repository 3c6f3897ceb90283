package ai.mlpzoo.blocks.ninformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.PooledClassifier;
import ai.mlpzoo.blocks.mixer.PatchEmbed;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * NiNformer (Abdullah and Aydin 2024, "NiNformer: A Network in Network Transformer with Token
 * Mixing Generated Gating Function", arXiv:2403.02411) as the reference's image classifier ({@code
 * NiNformerImageClassification} in {@code train.py}): a patch stem (Conv2d, kernel = stride =
 * patch) giving (H / p)·(W / p) tokens in row-major order, {@code num_layers} {@link NinBlock}s,
 * the mean over tokens ({@code pre_logits}; no final norm) and the linear {@code classifier}.
 *
 * <p>Children in file order: {@code patcher}, {@code model.0 …}, {@code classifier}. Our names
 * follow the reused Mixer-family blocks; {@link #referenceKey} gives the reference's state-dict key
 * of each parameter.
 *
 * <p>{@link #forwardFeatures} gives the last block's tokens (batch, seq_len, d_model).
 */
public class NiNformer extends PooledClassifier {

    private static final byte VERSION = 1;

    private final PatchEmbed patcher;
    private final List<NinBlock> blocks = new ArrayList<>();
    private final int dModel;
    private final int seqLen;

    /**
     * Creates the model; the names in messages are the reference constructor's arguments.
     *
     * @param imageSize the square input edge
     * @param patchSize the patch edge, dividing {@code imageSize}
     * @param inChannels the image channels
     * @param numClasses the classes
     * @param dModel the token width
     * @param dFfn the hidden width of every MLP (the Mixer's token and channel MLPs, the ffn)
     * @param seqLen the number of tokens, which must be (image_size / patch_size)²: the Mixer's
     *     token MLP is sized by it
     * @param numLayers the number of blocks
     * @param dropout the MLPs' dropout while training
     * @throws IllegalArgumentException naming the first impossible field
     */
    public NiNformer(
            int imageSize,
            int patchSize,
            int inChannels,
            int numClasses,
            int dModel,
            int dFfn,
            int seqLen,
            int numLayers,
            float dropout) {
        super(VERSION, "NiNformer", "classifier", inChannels, imageSize, dModel, numClasses);
        check(imageSize, patchSize, inChannels, numClasses, dModel, dFfn, seqLen, numLayers);
        Checks.probability(dropout, "dropout");
        this.dModel = dModel;
        this.seqLen = seqLen;
        patcher = addChildBlock("patcher", new PatchEmbed(patchSize, dModel));
        for (int i = 0; i < numLayers; i++) {
            blocks.add(addChildBlock("model." + i, new NinBlock(dModel, dFfn, seqLen, dropout)));
        }
        addHead();
    }

    private static void check(
            int imageSize,
            int patchSize,
            int inChannels,
            int numClasses,
            int dModel,
            int dFfn,
            int seqLen,
            int numLayers) {
        Checks.positive(imageSize, "image_size");
        Checks.positive(patchSize, "patch_size");
        Checks.positive(inChannels, "in_channels");
        Checks.positive(numClasses, "num_classes");
        Checks.positive(dModel, "d_model");
        Checks.positive(dFfn, "d_ffn");
        Checks.positive(seqLen, "seq_len");
        Checks.positive(numLayers, "num_layers");
        Checks.divides(patchSize, "patch_size", imageSize, "image_size");
        long side = imageSize / patchSize;
        if (side * side != seqLen) {
            // the reference does not check this; its token MLP (Linear(seq_len, d_ffn)) then
            // fails on the first batch
            throw new IllegalArgumentException(
                    Checks.field("seq_len")
                            + " ("
                            + seqLen
                            + ") must be the number of patches, (image_size / patch_size)^2 = ("
                            + imageSize
                            + " / "
                            + patchSize
                            + ")^2 = "
                            + side * side);
        }
    }

    /**
     * The reference's state-dict key of one of our parameter names: the stem's {@code
     * patcher.proj.*} is its {@code patcher.*}; the inner Mixer's {@code norm1}, {@code
     * mlp_tokens}, {@code norm2}, {@code mlp_channels} are its {@code token_mix.0}, {@code
     * token_mix.2}, {@code channel_mix.0}, {@code channel_mix.1}; every MLP's {@code fc1}, {@code
     * fc2} are its FeedForward's {@code net.0}, {@code net.3}. Other names are the same.
     *
     * @param name our dotted name (as {@code NamedParameters.of} gives it)
     * @return the reference's key
     */
    public static String referenceKey(String name) {
        return name.replace("patcher.proj.", "patcher.")
                .replace(".Mixer.norm1.", ".Mixer.token_mix.0.")
                .replace(".Mixer.mlp_tokens.", ".Mixer.token_mix.2.")
                .replace(".Mixer.norm2.", ".Mixer.channel_mix.0.")
                .replace(".Mixer.mlp_channels.", ".Mixer.channel_mix.1.")
                .replace(".fc1.", ".net.0.")
                .replace(".fc2.", ".net.3.");
    }

    /**
     * @return the blocks, in order
     */
    public List<NinBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = patcher.forward(ps, new NDList(images), training).head(); // (B, N, D)
        for (NinBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).head(); // (B, N, D)
        }
        return x; // (B, N, D)
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        return forwardFeatures(ps, images, training).mean(new int[] {1}); // (B, D)
    }

    /** Each block's output, named {@code model.i}: (batch, seq_len, d_model). */
    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray x = patcher.forward(ps, new NDList(images), training).head(); // (B, N, D)
        for (int i = 0; i < blocks.size(); i++) {
            x = blocks.get(i).forward(ps, new NDList(x), training).head(); // (B, N, D)
            x.setName("model." + i);
            out.add(x);
        }
        return out;
    }

    /**
     * @return the number of tokens
     */
    public int getSeqLen() {
        return seqLen;
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        patcher.initialize(manager, dataType, input);
        Shape tokens = new Shape(input.get(0), seqLen, dModel);
        for (NinBlock block : blocks) {
            block.initialize(manager, dataType, tokens);
        }
    }
}
