package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PoolFormer, the MetaFormer with pooling as its token mixer (Yu et al. 2022, "MetaFormer Is
 * Actually What You Need for Vision"; v2 from Yu et al. 2023, "MetaFormer Baselines for Vision"),
 * structured as timm's {@code metaformer.py} {@code MetaFormer}: a stem (conv 7x7 stride 4 padding
 * 2, optional norm), hierarchical stages ({@link MetaFormerStage}: downsampling conv 3x3 stride 2
 * when the width changes, then {@link MetaFormerBlock}s), and the head: mean over H, W, {@code
 * head.norm} (LayerNorm over channels, eps 1e-6, timm's {@code LayerNorm2d}), flatten, {@code
 * head.fc}. Children {@code stem, stages.0 .. stages.S-1, head.norm, head.fc}, so that the
 * parameter names are timm's state-dict keys.
 *
 * <p>Forward: (batch, in_chans, H, W), any H, W of at least 3 (the network takes no fixed size), to
 * {@code output} logits (batch, classes) and {@code pre_logits} (batch, dims[-1]), the normalised
 * pooled features that enter {@code head.fc}. The forward trusts its input: entry points check a
 * request once with {@link #checkInput}.
 *
 * <p>Hook points: {@code stem}, {@code stages.s} (each stage's output), {@code head.norm}, {@code
 * head.fc}; the stages and blocks declare theirs below them.
 */
public class MetaFormer extends AbstractBlock implements HookPoint.Owner, InputContract {

    private static final byte VERSION = 1;

    /** The smallest image edge the stem (7x7, stride 4, padding 2) maps to at least one pixel. */
    public static final int MIN_IMAGE_SIZE = 3;

    private final int imgSize;
    private final int inChans;
    private final int[] dims;
    private final float dropRate;
    private final Downsampling stem;
    private final List<MetaFormerStage> stages = new ArrayList<>();
    private final ChannelNorm headNorm;
    private Linear headFc;
    private int numClasses;
    private final HookPoint hookStem = new HookPoint("stem");
    private final List<HookPoint> hookStages = new ArrayList<>();
    private final HookPoint hookNorm = new HookPoint("head.norm");
    private final HookPoint hookHead = new HookPoint("head.fc");

    MetaFormer(Builder b) {
        super(VERSION);
        imgSize = b.imgSize;
        inChans = b.inChans;
        dims = b.dims.clone();
        numClasses = b.numClasses;
        dropRate = b.dropRate;
        stem =
                addChildBlock(
                        "stem",
                        new Downsampling(inChans, dims[0], 7, 4, 2, b.downsampleNorm, false));
        int total = Arrays.stream(b.depths).sum();
        int done = 0;
        int prev = dims[0];
        for (int s = 0; s < dims.length; s++) {
            Downsampling down =
                    prev == dims[s]
                            ? null
                            : new Downsampling(prev, dims[s], 3, 2, 1, b.downsampleNorm, true);
            List<MetaFormerBlock> blocks = new ArrayList<>();
            for (int j = 0; j < b.depths[s]; j++, done++) {
                // timm: drop-path rates linear in the block index over the whole network
                float dp = total > 1 ? b.dropPathRate * done / (total - 1) : 0f;
                blocks.add(
                        new MetaFormerBlock(
                                dims[s],
                                b.poolSize,
                                b.normLayer,
                                b.mlpAct,
                                b.mlpBias,
                                perStage(b.layerScaleInitValues, s),
                                perStage(b.resScaleInitValues, s),
                                b.projDropRate,
                                dp));
            }
            stages.add(addChildBlock("stages." + s, new MetaFormerStage(down, blocks)));
            hookStages.add(new HookPoint("stages." + s));
            prev = dims[s];
        }
        headNorm = addChildBlock("head.norm", NormType.LAYER_NORM2D.create(dims[dims.length - 1]));
        headFc = addChildBlock("head.fc", newHead(numClasses));
    }

    private static Double perStage(Double[] values, int stage) {
        if (values == null) {
            return null;
        }
        return values.length == 1 ? values[0] : values[stage];
    }

    /**
     * Creates a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static Linear newHead(int numClasses) {
        Linear linear = Linear.builder().setUnits(numClasses).build();
        linear.setInitializer(Initializers.normal(0.02), Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = forwardStages(ps, inputs.head(), training, null); // (B, C, h, w)
        NDArray pooled = forwardPreLogits(ps, features, training); // (B, C)
        NDArray logits = forwardHead(ps, pooled, training); // (B, classes)
        logits.setName("output");
        pooled.setName("pre_logits");
        return new NDList(logits, pooled);
    }

    /**
     * Runs the stem and the stages, timm's {@code forward_features}.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, H, W)
     * @param training whether training
     * @return the last stage's map, (batch, dims[-1], h, w)
     */
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        return forwardStages(ps, images, training, null);
    }

    /**
     * The feature map to the pre-logits: mean over H and W, then {@code head.norm}.
     *
     * @param ps the parameter store
     * @param features (batch, C, h, w)
     * @param training whether training
     * @return (batch, C)
     */
    public NDArray forwardPreLogits(ParameterStore ps, NDArray features, boolean training) {
        Shape f = features.getShape();
        // one axis at a time on DJL's PyTorch engine: flatten H, W, then average
        NDArray pooled =
                features.reshape(f.get(0), f.get(1), -1)
                        .mean(new int[] {2}, true)
                        .reshape(f.get(0), f.get(1), 1, 1); // (B, C, 1, 1)
        NDArray normed =
                hookNorm.apply(pooled, headNorm.forward(ps, new NDList(pooled), training).head());
        return normed.reshape(normed.getShape().get(0), normed.getShape().get(1)); // (B, C)
    }

    /**
     * Pre-logits to logits: dropout while training, then {@code head.fc}.
     *
     * @param ps the parameter store
     * @param preLogits (batch, C)
     * @param training whether training
     * @return logits (batch, classes)
     */
    public NDArray forwardHead(ParameterStore ps, NDArray preLogits, boolean training) {
        NDArray x = Dropout.dropout(preLogits, dropRate, training).head();
        return hookHead.apply(x, headFc.forward(ps, new NDList(x), training).head());
    }

    /**
     * Every stage's output, as timm's {@code forward_intermediates}.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, H, W)
     * @param training whether training
     * @return one (batch, dims[s], h_s, w_s) map per stage, named {@code stages.s}
     */
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        forwardStages(ps, images, training, out);
        return out;
    }

    private NDArray forwardStages(
            ParameterStore ps, NDArray images, boolean training, NDList intermediates) {
        NDArray x = hookStem.apply(images, stem.forward(ps, new NDList(images), training).head());
        for (int s = 0; s < stages.size(); s++) {
            NDArray in = x;
            x =
                    hookStages
                            .get(s)
                            .apply(in, stages.get(s).forward(ps, new NDList(in), training).head());
            if (intermediates != null) {
                x.setName("stages." + s);
                intermediates.add(x);
            }
        }
        return x;
    }

    /**
     * Checks a batch of images: (batch, in_chans, H, W) with H and W at least {@value
     * #MIN_IMAGE_SIZE}, and no NaN or infinity. The network takes any size; the zoo's translator
     * resizes to {@code img_size}.
     *
     * @param images the input
     * @throws IllegalArgumentException naming the shape the model takes, or the NaN
     */
    @Override
    public void checkInput(NDArray images) {
        Checks.requireShape(images, "MetaFormer input", -1, inChans, -1, -1);
        Shape s = images.getShape();
        if (s.get(2) < MIN_IMAGE_SIZE || s.get(3) < MIN_IMAGE_SIZE) {
            throw new IllegalArgumentException(
                    "MetaFormer input must be at least "
                            + MIN_IMAGE_SIZE
                            + "x"
                            + MIN_IMAGE_SIZE
                            + " pixels (the stem's 7x7 stride-4 convolution pads by 2), got "
                            + s);
        }
        Checks.requireFinite(images, "MetaFormer input");
    }

    @Override
    public List<HookPoint> hookPoints() {
        List<HookPoint> all = new ArrayList<>();
        all.add(hookStem);
        all.addAll(hookStages);
        all.add(hookNorm);
        all.add(hookHead);
        return all;
    }

    /**
     * Replaces {@code head.fc} by a fresh one for {@code classes} classes (fine-tuning on a new
     * label set), initialised at once when a manager is given.
     *
     * @param classes the new class count
     * @param manager the manager that owns the new head's parameters, or null to initialise later
     */
    public void resetClassifier(int classes, NDManager manager) {
        Checks.positive(classes, "num_classes");
        String key = children.keyAt(children.size() - 1);
        children.remove(key);
        headFc.getParameters().values().forEach(Parameter::close);
        numClasses = classes;
        headFc = addChildBlock("head.fc", newHead(classes));
        if (manager != null) {
            headFc.initialize(manager, DataType.FLOAT32, new Shape(1, getNumFeatures()));
        }
    }

    /**
     * @return the class count of the head
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * @return the width of the pre-logits, dims[-1]
     */
    public int getNumFeatures() {
        return dims[dims.length - 1];
    }

    /**
     * @return the stage widths, a copy
     */
    public int[] getDims() {
        return dims.clone();
    }

    /**
     * @return the stem
     */
    public Downsampling getStem() {
        return stem;
    }

    /**
     * @return the stages, in order
     */
    public List<MetaFormerStage> getStages() {
        return List.copyOf(stages);
    }

    /**
     * @return the input shape of a batch of one at the configured size: (1, in_chans, img, img)
     */
    public Shape getInputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[] {new Shape(batch, numClasses), new Shape(batch, getNumFeatures())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        stem.initialize(manager, dataType, x);
        x = stem.getOutputShapes(new Shape[] {x})[0];
        for (MetaFormerStage stage : stages) {
            stage.initialize(manager, dataType, x);
            x = stage.getOutputShapes(new Shape[] {x})[0];
        }
        long batch = x.get(0);
        headNorm.initialize(manager, dataType, new Shape(batch, getNumFeatures(), 1, 1));
        headFc.initialize(manager, dataType, new Shape(batch, getNumFeatures()));
    }

    /**
     * Builds a {@link MetaFormer}, DJL style: {@code set*} values are required, {@code opt*}
     * optional, and {@link #build()} validates them all. Messages name the config fields (timm's
     * {@code MetaFormer} arguments).
     */
    public static final class Builder {
        private int imgSize = 224;
        private int inChans = 3;
        private int numClasses = 1000;
        private int[] depths;
        private int[] dims;
        private int poolSize = 3;
        private NormType normLayer = NormType.LAYER_NORM2D_NO_BIAS;
        private NormType downsampleNorm = NormType.LAYER_NORM2D_NO_BIAS;
        private ConvMlp.Act mlpAct = ConvMlp.Act.STAR_RELU;
        private boolean mlpBias;
        private Double[] layerScaleInitValues;
        private Double[] resScaleInitValues = {null, null, 1.0, 1.0};
        private float dropRate;
        private float projDropRate;
        private float dropPathRate;

        Builder() {}

        /**
         * @param depths blocks per stage
         * @param dims width per stage
         * @return this
         */
        public Builder setStages(int[] depths, int[] dims) {
            this.depths = depths == null ? null : depths.clone();
            this.dims = dims == null ? null : dims.clone();
            return this;
        }

        /**
         * @param v the image edge the model is initialised and exported at (default 224)
         * @return this
         */
        public Builder optImageSize(int v) {
            imgSize = v;
            return this;
        }

        /**
         * @param v input channels (default 3) @return this
         */
        public Builder optInChannels(int v) {
            inChans = v;
            return this;
        }

        /**
         * @param v class count (default 1000) @return this
         */
        public Builder optNumClasses(int v) {
            numClasses = v;
            return this;
        }

        /**
         * @param v the pooling window edge, odd (default 3) @return this
         */
        public Builder optPoolSize(int v) {
            poolSize = v;
            return this;
        }

        /**
         * @param v the blocks' norms (default timm's MetaFormer LayerNorm2dNoBias; PoolFormer v1
         *     GroupNorm1, v2 GroupNorm1NoBias)
         * @return this
         */
        public Builder optNormLayer(NormType v) {
            normLayer = v;
            return this;
        }

        /**
         * @param v the stem's and the downsampling layers' norm, or null for none (default
         *     LayerNorm2dNoBias; PoolFormer v1 none)
         * @return this
         */
        public Builder optDownsampleNorm(NormType v) {
            downsampleNorm = v;
            return this;
        }

        /**
         * @param v the MLP activation (default StarReLU) @return this
         */
        public Builder optMlpAct(ConvMlp.Act v) {
            mlpAct = v;
            return this;
        }

        /**
         * @param v whether the MLP convolutions have biases (default false) @return this
         */
        public Builder optMlpBias(boolean v) {
            mlpBias = v;
            return this;
        }

        /**
         * @param v layer-scale initial values: one for every stage or one per stage, an entry null
         *     for none; null for no layer scale (the default)
         * @return this
         */
        public Builder optLayerScaleInitValues(Double... v) {
            layerScaleInitValues = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v res-scale initial values, as the layer scales' (default (none, none, 1, 1))
         * @return this
         */
        public Builder optResScaleInitValues(Double... v) {
            resScaleInitValues = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v dropout before head.fc while training (default 0) @return this
         */
        public Builder optDropRate(float v) {
            dropRate = v;
            return this;
        }

        /**
         * @param v dropout inside the MLPs while training (default 0) @return this
         */
        public Builder optProjDropRate(float v) {
            projDropRate = v;
            return this;
        }

        /**
         * @param v the largest stochastic-depth rate, reached by the last block (default 0)
         * @return this
         */
        public Builder optDropPathRate(float v) {
            dropPathRate = v;
            return this;
        }

        /**
         * Validates every value, then builds.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public MetaFormer build() {
            if (depths == null || depths.length == 0) {
                throw new IllegalArgumentException(
                        Checks.field("depths") + " must hold at least one stage, got none");
            }
            if (dims == null || dims.length != depths.length) {
                throw new IllegalArgumentException(
                        Checks.field("dims")
                                + " must hold one width per stage ("
                                + depths.length
                                + " in field 'depths'), got "
                                + (dims == null ? "none" : Arrays.toString(dims)));
            }
            for (int s = 0; s < depths.length; s++) {
                Checks.positive(depths[s], "depths[" + s + "]");
                Checks.positive(dims[s], "dims[" + s + "]");
            }
            Checks.positive(inChans, "in_chans");
            Checks.positive(numClasses, "num_classes");
            if (imgSize < MIN_IMAGE_SIZE) {
                throw new IllegalArgumentException(
                        Checks.field("img_size")
                                + " must be at least "
                                + MIN_IMAGE_SIZE
                                + ", got "
                                + imgSize);
            }
            if (poolSize < 1 || poolSize % 2 == 0) {
                throw new IllegalArgumentException(
                        Checks.field("pool_size")
                                + " must be a positive odd number, got "
                                + poolSize);
            }
            if (normLayer == null) {
                throw new IllegalArgumentException(Checks.field("norm_layers") + " is required");
            }
            if (mlpAct == null) {
                throw new IllegalArgumentException(Checks.field("mlp_act") + " is required");
            }
            checkPerStage(layerScaleInitValues, "layer_scale_init_values");
            checkPerStage(resScaleInitValues, "res_scale_init_values");
            Checks.probability(dropRate, "drop_rate");
            Checks.probability(projDropRate, "proj_drop_rate");
            Checks.probability(dropPathRate, "drop_path_rate");
            return new MetaFormer(this);
        }

        private void checkPerStage(Double[] values, String field) {
            if (values == null) {
                return;
            }
            if (values.length != 1 && values.length != depths.length) {
                throw new IllegalArgumentException(
                        Checks.field(field)
                                + " must hold one value or one per stage ("
                                + depths.length
                                + "), got "
                                + Arrays.toString(values));
            }
            for (Double v : values) {
                if (v != null && (!Double.isFinite(v))) {
                    throw new IllegalArgumentException(
                            Checks.field(field)
                                    + " must hold finite numbers or null, got "
                                    + Arrays.toString(values));
                }
            }
        }
    }
}
