package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The generic all-MLP vision model of timm's {@code mlp_mixer.py}: a patch-embedding stem, N
 * token-mixing layers, a final norm, the mean over tokens and a linear head. One {@link
 * MixerFamily} value decides the layer, the norms, the MLP and the activation together: {@link
 * MixerFamily#MIXER MLP-Mixer} (Tolstikhin et al. 2021), {@link MixerFamily#RESMLP ResMLP} (Touvron
 * et al. 2021), {@link MixerFamily#GMLP gMLP} (Liu et al. 2021) or {@link MixerFamily#GMIXER
 * gMixer} (timm's Mixer with GLU MLPs). Children {@code stem, blocks.0 .. blocks.N-1, norm, head},
 * so that the parameter names are timm's state-dict keys.
 *
 * <p>Forward: (batch, in_chans, img, img) to {@code output} logits (batch, classes) and {@code
 * pre_logits} pooled features (batch, dim); dropout and stochastic depth act only while training.
 * The forward trusts its input: entry points check a request once with {@link #checkInput}.
 *
 * <p>Hook points ({@link HookPoint}), one per child: {@code stem}, {@code blocks.i} (each layer's
 * output, the residual stream), {@code norm}, {@code head}; the layers declare their own below them
 * ({@code blocks.i.mlp_channels}).
 */
public class MlpMixer extends AbstractBlock implements HookPoint.Owner, InputContract {

    private static final byte VERSION = 1;

    private final int imgSize;
    private final int inChans;
    private final int patchSize;
    private final int embedDim;
    private final int numTokens;
    private final float dropRate;
    private final MixerFamily family;
    private final PatchEmbed stem;
    private final List<Block> layers = new ArrayList<>();
    private final Block norm;
    private Linear head;
    private int numClasses;
    private final HookPoint hookStem = new HookPoint("stem");
    private final List<HookPoint> hookBlocks = new ArrayList<>();
    private final HookPoint hookNorm = new HookPoint("norm");
    private final HookPoint hookHead = new HookPoint("head");

    MlpMixer(Builder b) {
        super(VERSION);
        imgSize = b.imgSize;
        inChans = b.inChans;
        patchSize = b.patchSize;
        embedDim = b.embedDim;
        numClasses = b.numClasses;
        dropRate = b.dropRate;
        family = b.family;
        numTokens = (imgSize / patchSize) * (imgSize / patchSize);
        LayerArgs args = b.layerArgs(numTokens);
        stem = addChildBlock("stem", new PatchEmbed(patchSize, embedDim));
        for (int i = 0; i < b.numBlocks; i++) {
            layers.add(addChildBlock("blocks." + i, family.blockLayer().create(args)));
            hookBlocks.add(new HookPoint("blocks." + i));
        }
        norm = addChildBlock("norm", family.normLayer().create(embedDim));
        head = addChildBlock("head", newHead(numClasses));
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
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.WEIGHT);
        linear.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        return linear;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray tokens = forwardTokens(ps, inputs.head(), training, null);
        NDArray pooled = tokens.mean(new int[] {1});
        NDArray logits = forwardHead(ps, pooled, training);
        logits.setName("output");
        pooled.setName("pre_logits");
        return new NDList(logits, pooled);
    }

    /**
     * Runs the stem, the layers and the final norm.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, img, img)
     * @param training whether training
     * @return the normalised tokens, (batch, tokens, dim)
     */
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        return forwardTokens(ps, images, training, null);
    }

    /**
     * Pooled features (pre-logits) to logits: dropout while training, then the head.
     *
     * @param ps the parameter store
     * @param pooled (batch, dim)
     * @param training whether training
     * @return logits (batch, classes)
     */
    public NDArray forwardHead(ParameterStore ps, NDArray pooled, boolean training) {
        NDArray x = Dropout.dropout(pooled, dropRate, training).head();
        return hookHead.apply(x, head.forward(ps, new NDList(x), training).head());
    }

    /**
     * Every layer's output, as timm's {@code forward_intermediates}.
     *
     * @param ps the parameter store
     * @param images (batch, in_chans, img, img)
     * @param training whether training
     * @return one (batch, tokens, dim) array per layer, named {@code blocks.i}, then the normalised
     *     tokens named {@code norm}
     */
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray normed = forwardTokens(ps, images, training, out);
        normed.setName("norm");
        out.add(normed);
        return out;
    }

    private NDArray forwardTokens(
            ParameterStore ps, NDArray images, boolean training, NDList intermediates) {
        // (batch, tokens, dim)
        NDArray x = hookStem.apply(images, stem.forward(ps, new NDList(images), training).head());
        // Inference frees each layer's intermediates when the layer returns, instead of when the
        // whole forward does (a Fashion-MNIST Mixer kept about 1.6 MB per image over its 8
        // blocks): the layer runs in a sub-manager that is closed after its output is moved out.
        // Not while training (the gradient pass follows), nor while a hook listener may hold an
        // array, nor when the caller asked for every layer's output.
        boolean free = !training && intermediates == null && !HookPoint.anyAttached();
        for (int i = 0; i < layers.size(); i++) {
            NDArray in = x; // (batch, tokens, dim)
            if (free) {
                NDManager owner = in.getManager();
                try (NDManager scope = owner.newSubManager()) {
                    in.tempAttach(scope); // ops on `in` put their results in the scope
                    NDArray out = layers.get(i).forward(ps, new NDList(in), training).head();
                    out.attach(owner); // (batch, tokens, dim), kept; the rest is closed here
                    x = out;
                }
                if (i > 0) {
                    in.close(); // the previous layer's output: read by this layer only
                }
                continue;
            }
            x =
                    hookBlocks
                            .get(i)
                            .apply(in, layers.get(i).forward(ps, new NDList(in), training).head());
            if (intermediates != null) {
                x.setName("blocks." + i);
                intermediates.add(x);
            }
        }
        return hookNorm.apply(x, norm.forward(ps, new NDList(x), training).head());
    }

    /**
     * Checks a batch of images: shape (batch, in_chans, img, img) and no NaN or infinity. The
     * forward does not check (see {@link InputContract}); the entry points call this once.
     *
     * @param images the input
     * @throws IllegalArgumentException naming the shape the model takes, or the NaN
     */
    @Override
    public void checkInput(NDArray images) {
        Checks.requireShape(images, "MlpMixer input", -1, inChans, imgSize, imgSize);
        Checks.requireFinite(images, "MlpMixer input");
    }

    @Override
    public List<HookPoint> hookPoints() {
        List<HookPoint> all = new ArrayList<>();
        all.add(hookStem);
        all.addAll(hookBlocks);
        all.add(hookNorm);
        all.add(hookHead);
        return all;
    }

    /**
     * Replaces the head by a zero-initialised one for {@code classes} classes (fine-tuning on a new
     * label set). The new head is initialised at once when the model already is.
     *
     * @param classes the new class count
     * @param manager the manager that owns the new head's parameters, or null to initialise later
     */
    public void resetClassifier(int classes, NDManager manager) {
        Checks.positive(classes, "num_classes");
        String key = children.keyAt(children.size() - 1);
        children.remove(key);
        head.getParameters().values().forEach(ai.djl.nn.Parameter::close);
        numClasses = classes;
        head = addChildBlock("head", newHead(classes));
        if (manager != null) {
            head.initialize(manager, DataType.FLOAT32, new Shape(1, embedDim));
        }
    }

    /**
     * @return the class count of the head
     */
    public int getNumClasses() {
        return numClasses;
    }

    /**
     * @return the token width
     */
    public int getEmbedDim() {
        return embedDim;
    }

    /**
     * @return the number of tokens (patches)
     */
    public int getNumTokens() {
        return numTokens;
    }

    /**
     * @return the expected input shape for a batch of one: (1, in_chans, img, img)
     */
    public Shape getInputShape() {
        return new Shape(1, inChans, imgSize, imgSize);
    }

    /**
     * @return the family: the layer, norm, MLP and activation this model was built with
     */
    public MixerFamily getFamily() {
        return family;
    }

    /**
     * @return the token-mixing layers, in order
     */
    public List<Block> getLayers() {
        return List.copyOf(layers);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long batch = inputShapes[0].get(0);
        return new Shape[] {new Shape(batch, numClasses), new Shape(batch, embedDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long batch = inputs[0].get(0);
        Shape tokens = new Shape(batch, numTokens, embedDim);
        stem.initialize(manager, dataType, inputs[0]);
        for (Block layer : layers) {
            layer.initialize(manager, dataType, tokens);
        }
        norm.initialize(manager, dataType, tokens);
        head.initialize(manager, dataType, new Shape(batch, embedDim));
    }

    /**
     * Builds an {@link MlpMixer}, DJL style: {@code set*} values are required, {@code opt*}
     * optional, and {@link #build()} validates them all. The names in messages are the config
     * fields (timm's {@code MlpMixer} arguments), so a config delegating here reports its own
     * field.
     */
    public static final class Builder {
        private int imgSize = -1;
        private int inChans = 3;
        private int patchSize = -1;
        private int embedDim = -1;
        private int numBlocks = -1;
        private int numClasses = 1000;
        private MixerFamily family;
        private double[] mlpRatio;
        private float dropRate;
        private float projDropRate;
        private float dropPathRate;
        private double initValues = 1e-4;

        Builder() {}

        /**
         * @param v the square input edge in pixels @return this
         */
        public Builder setImageSize(int v) {
            imgSize = v;
            return this;
        }

        /**
         * @param v the patch edge in pixels @return this
         */
        public Builder setPatchSize(int v) {
            patchSize = v;
            return this;
        }

        /**
         * @param v the token width @return this
         */
        public Builder setEmbedDim(int v) {
            embedDim = v;
            return this;
        }

        /**
         * @param v the number of layers @return this
         */
        public Builder setNumBlocks(int v) {
            numBlocks = v;
            return this;
        }

        /**
         * @param v the family: layer, norms, MLP and activation in one value, e.g. {@link
         *     MixerFamily#RESMLP}; replace a part with its {@code with*} methods
         * @return this
         */
        public Builder setFamily(MixerFamily v) {
            family = v;
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
         * @param v MLP widths as multiples of the token width: (token, channel) for MLP-Mixer, one
         *     channel ratio for ResMLP and gMLP (default: the family's)
         * @return this
         */
        public Builder optMlpRatio(double... v) {
            mlpRatio = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v dropout before the head while training (default 0) @return this
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
         * @param v stochastic-depth rate of every residual branch (default 0) @return this
         */
        public Builder optDropPathRate(float v) {
            dropPathRate = v;
            return this;
        }

        /**
         * @param v the initial layer-scale value of layers that have one (ResMLP; timm's default
         *     1e-4); other layers ignore it
         * @return this
         */
        public Builder optInitValues(double v) {
            initValues = v;
            return this;
        }

        LayerArgs layerArgs(int numTokens) {
            return new LayerArgs(
                    embedDim,
                    numTokens,
                    mlpRatio != null ? mlpRatio : family.mlpRatio(),
                    family.normLayer(),
                    family.mlpLayer(),
                    family.actLayer(),
                    projDropRate,
                    dropPathRate,
                    initValues,
                    family.tokenMlpLayer());
        }

        /**
         * Validates every value, then builds. Each layer checks what only it knows (how many ratios
         * it takes, what its MLP needs) as it is made.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public MlpMixer build() {
            if (family == null) {
                throw new IllegalArgumentException(
                        "the family is required (setFamily: MixerFamily.MIXER, RESMLP, GMLP or GMIXER)");
            }
            Checks.positive(imgSize, "img_size");
            Checks.positive(inChans, "in_chans");
            Checks.positive(patchSize, "patch_size");
            Checks.positive(numBlocks, "num_blocks");
            Checks.positive(embedDim, "embed_dim");
            Checks.positive(numClasses, "num_classes");
            Checks.divides(patchSize, "patch_size", imgSize, "img_size");
            double[] ratios = mlpRatio != null ? mlpRatio : family.mlpRatio();
            for (double r : ratios) {
                if (!(r > 0) || Double.isInfinite(r)) {
                    throw new IllegalArgumentException(
                            Checks.field("mlp_ratio")
                                    + " must hold positive numbers, got "
                                    + Arrays.toString(ratios));
                }
            }
            Checks.probability(dropRate, "drop_rate");
            Checks.probability(projDropRate, "proj_drop_rate");
            Checks.probability(dropPathRate, "drop_path_rate");
            Checks.positive(initValues, "init_values");
            return new MlpMixer(this);
        }
    }
}
