package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The uniform model API of the image classifiers that end in pooled features and one linear head,
 * the API of {@link ai.mlpzoo.blocks.mixer.MlpMixer}: {@code forward} gives {@code output} logits
 * (batch, classes) and {@code pre_logits} (batch, features), the tensor that enters the head;
 * {@link #forwardFeatures}, {@link #forwardPreLogits}, {@link #forwardHead} and {@link
 * #forwardIntermediates} give the parts; {@link #resetClassifier} replaces the head. Subclasses
 * build their body, then call {@link #addHead} last, so that the head is their last child.
 *
 * <p>The forward trusts its input; entry points check a request once with {@link #checkInput}.
 */
public abstract class PooledClassifier extends AbstractBlock implements InputContract {

    private final String modelName;
    private final String headName;
    private final int inChans;
    private final int imgSize;
    private final int numFeatures;
    private int numClasses;
    private Linear head;

    /**
     * Creates the model's frame.
     *
     * @param version the block's parameter-file version
     * @param modelName the family's name, for messages (e.g. {@code MS-MLP})
     * @param headName the reference's name of the classifier ({@code head}, {@code classifier})
     * @param inChans input channels
     * @param imgSize the square input edge in pixels
     * @param numFeatures the width of {@code pre_logits}
     * @param numClasses the class count
     */
    protected PooledClassifier(
            byte version,
            String modelName,
            String headName,
            int inChans,
            int imgSize,
            int numFeatures,
            int numClasses) {
        super(version);
        this.modelName = modelName;
        this.headName = headName;
        this.inChans = inChans;
        this.imgSize = imgSize;
        this.numFeatures = numFeatures;
        this.numClasses = numClasses;
    }

    /**
     * The mean over the spatial axes of a channels-first map (DJL's PyTorch engine averages over
     * one axis at a time, so the map is flattened first).
     *
     * @param x (B, C, H, W)
     * @return (B, C)
     */
    public static NDArray meanHW(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), s.get(1), -1).mean(new int[] {2}); // (B, C)
    }

    /** Adds the head; subclasses call it once, after their last other child. */
    protected final void addHead() {
        head = addChildBlock(headName, Linear.builder().setUnits(numClasses).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray pooled = forwardPreLogits(ps, inputs.head(), training); // (B, F)
        NDArray logits = forwardHead(ps, pooled, training); // (B, classes)
        logits.setName("output");
        pooled.setName("pre_logits");
        return new NDList(logits, pooled);
    }

    /**
     * The last feature map of the trunk, before pooling.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, img, img)
     * @param training whether training
     * @return the family's last features (see the subclass)
     */
    public abstract NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training);

    /**
     * The pooled features that enter the head.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, img, img)
     * @param training whether training
     * @return {@code pre_logits}, (batch, features)
     */
    public abstract NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training);

    /**
     * Every stage's (or level's) output, in order, each named after the child that made it.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, img, img)
     * @param training whether training
     * @return the intermediates
     */
    public abstract NDList forwardIntermediates(
            ParameterStore ps, NDArray images, boolean training);

    /**
     * Pooled features to logits.
     *
     * @param ps the parameter store
     * @param pooled (batch, features)
     * @param training whether training
     * @return logits (batch, classes)
     */
    public NDArray forwardHead(ParameterStore ps, NDArray pooled, boolean training) {
        return head.forward(ps, new NDList(pooled), training).head(); // (B, classes)
    }

    /**
     * Checks a batch of images: shape (batch, in_chans, img, img) and no NaN or infinity.
     *
     * @param images the input
     * @throws IllegalArgumentException naming the shape the model takes, or the NaN
     */
    @Override
    public void checkInput(NDArray images) {
        Checks.requireShape(images, modelName + " input", -1, inChans, imgSize, imgSize);
        Checks.requireFinite(images, modelName + " input");
    }

    /**
     * Replaces the head by a fresh one for {@code classes} classes (fine-tuning on a new label
     * set), initialised at once when a manager is given.
     *
     * @param classes the new class count
     * @param manager the manager that owns the new head's parameters, or null to initialise later
     */
    public void resetClassifier(int classes, NDManager manager) {
        Checks.positive(classes, "num_classes");
        children.remove(children.keyAt(children.size() - 1));
        head.getParameters().values().forEach(Parameter::close);
        numClasses = classes;
        addHead();
        if (manager != null) {
            head.initialize(manager, DataType.FLOAT32, new Shape(1, numFeatures));
        }
    }

    /**
     * @return the class count of the head
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * @return the width of {@code pre_logits}
     */
    public int getNumFeatures() {
        return numFeatures;
    }

    /**
     * @return the input shape for a batch of one: (1, in_chans, img, img)
     */
    public Shape getInputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[] {new Shape(batch, numClasses), new Shape(batch, numFeatures)};
    }

    @Override
    protected final void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputs) {
        initializeBody(manager, dataType, inputs[0]);
        head.initialize(manager, dataType, new Shape(inputs[0].get(0), numFeatures));
    }

    /**
     * Initialises every child but the head.
     *
     * @param manager the manager
     * @param dataType the data type
     * @param input the input shape (batch, in_chans, img, img)
     */
    protected abstract void initializeBody(NDManager manager, DataType dataType, Shape input);
}
