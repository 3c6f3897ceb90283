package ai.mlpzoo.blocks.activator;

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
 * Activator (Abdullah and Aydin 2024, "Activator: GLU Activation Function as the Core Component of
 * a Vision Transformer", arXiv:2405.15953) as the reference's image classifier ({@code
 * ACTIVATORImageClassification} in {@code train.py}): a patch stem (Conv2d, kernel = stride =
 * patch) giving (H / p)·(W / p) tokens in row-major order, {@code num_layers} {@link
 * ActivatorBlock}s, the mean over tokens ({@code pre_logits}; no final norm) and the linear {@code
 * classifier}. No positional embedding: the reference has none.
 *
 * <p>Children in file order: {@code patcher}, {@code model.0 …}, {@code classifier}; {@link
 * #referenceKey} gives the reference's state-dict key of each parameter.
 *
 * <p>{@link #forwardFeatures} gives the last block's tokens (batch, tokens, d_model).
 */
public class Activator extends PooledClassifier {

    private static final byte VERSION = 1;

    private final PatchEmbed patcher;
    private final List<ActivatorBlock> blocks = new ArrayList<>();
    private final int dModel;
    private final int tokens;

    /**
     * Creates the model; the names in messages are the reference constructor's arguments.
     *
     * @param imageSize the square input edge (the reference takes but ignores it; the model here
     *     checks inputs against it)
     * @param patchSize the patch edge, dividing {@code imageSize}
     * @param inChannels the image channels
     * @param numClasses the classes
     * @param dModel the token width
     * @param dFfn the hidden width of the gating unit and of the ffn
     * @param numLayers the number of blocks
     * @param dropout the ffn's dropout while training
     * @throws IllegalArgumentException naming the first impossible field
     */
    public Activator(
            int imageSize,
            int patchSize,
            int inChannels,
            int numClasses,
            int dModel,
            int dFfn,
            int numLayers,
            float dropout) {
        super(VERSION, "Activator", "classifier", inChannels, imageSize, dModel, numClasses);
        Checks.positive(imageSize, "image_size");
        Checks.positive(patchSize, "patch_size");
        Checks.positive(inChannels, "in_channels");
        Checks.positive(numClasses, "num_classes");
        Checks.positive(dModel, "d_model");
        Checks.positive(dFfn, "d_ffn");
        Checks.positive(numLayers, "num_layers");
        Checks.probability(dropout, "dropout");
        // the reference's stride-p convolution would drop the last pixels silently
        Checks.divides(patchSize, "patch_size", imageSize, "image_size");
        this.dModel = dModel;
        int side = imageSize / patchSize;
        this.tokens = side * side;
        patcher = addChildBlock("patcher", new PatchEmbed(patchSize, dModel));
        for (int i = 0; i < numLayers; i++) {
            blocks.add(addChildBlock("model." + i, new ActivatorBlock(dModel, dFfn, dropout)));
        }
        addHead();
    }

    /**
     * The reference's state-dict key of one of our parameter names: the stem's {@code
     * patcher.proj.*} is its {@code patcher.*}, the ffn's {@code fc1}, {@code fc2} are its
     * FeedForward's {@code net.0}, {@code net.3}. Other names are the same.
     *
     * @param name our dotted name (as {@code NamedParameters.of} gives it)
     * @return the reference's key
     */
    public static String referenceKey(String name) {
        return name.replace("patcher.proj.", "patcher.")
                .replace(".ffn.fc1.", ".ffn.net.0.")
                .replace(".ffn.fc2.", ".ffn.net.3.");
    }

    /**
     * @return the blocks, in order
     */
    public List<ActivatorBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = patcher.forward(ps, new NDList(images), training).head(); // (B, N, D)
        for (ActivatorBlock block : blocks) {
            x = block.forward(ps, new NDList(x), training).head(); // (B, N, D)
        }
        return x; // (B, N, D)
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        return forwardFeatures(ps, images, training).mean(new int[] {1}); // (B, D)
    }

    /** Each block's output, named {@code model.i}: (batch, tokens, d_model). */
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

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        patcher.initialize(manager, dataType, input);
        Shape seq = new Shape(input.get(0), tokens, dModel);
        for (ActivatorBlock block : blocks) {
            block.initialize(manager, dataType, seq);
        }
    }
}
