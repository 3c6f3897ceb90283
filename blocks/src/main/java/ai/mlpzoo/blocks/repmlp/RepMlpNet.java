package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.NamedParameters;
import ai.mlpzoo.blocks.common.PooledClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * RepMLPNet (Ding et al. 2022, "RepMLPNet: Hierarchical Vision MLP with Re-parameterized Locality",
 * CVPR), the reference's {@code RepMLPNet} ({@code DingXiaoH/RepMLP repmlpnet.py}): a conv-BN-ReLU
 * stem (kernel = stride = patch), stages of {@link RepMlpUnit}s with a 2×2 stride-2 conv-BN-ReLU
 * between them, then {@code head_norm} (BatchNorm), the mean over H, W ({@code pre_logits}) and the
 * linear {@code head}. Children {@code conv_embedding}, {@code stages.s.j}, {@code embeds.s},
 * {@code head_norm}, {@code head}: the reference's state-dict keys.
 *
 * <p>The training structure carries convolution branches beside each partitioned FC; {@link
 * #reparameterize(NDManager)} folds them (and the FC's BatchNorm) into the FC, giving the deploy
 * structure, which computes the same function faster. {@link #forwardFeatures} gives the last
 * stage's map (B, C_last, H_last, W_last).
 */
public class RepMlpNet extends PooledClassifier {

    private static final byte VERSION = 1;

    private final Builder config;
    private final ConvBn convEmbedding;
    private final List<List<RepMlpUnit>> stages = new ArrayList<>();
    private final List<ConvBn> embeds = new ArrayList<>();
    private final BatchNorm2d headNorm;

    RepMlpNet(Builder b) {
        super(
                VERSION,
                "RepMLPNet",
                "head",
                b.inChannels,
                b.imgSize,
                b.channels[b.channels.length - 1],
                b.numClass);
        config = b.copy();
        Shape patch = new Shape(b.patchSize[0], b.patchSize[1]);
        convEmbedding =
                addChildBlock(
                        "conv_embedding",
                        new ConvBn(b.channels[0], patch, patch, new Shape(0, 0), 1, true));
        int mapH = b.imgSize / b.patchSize[0];
        int mapW = b.imgSize / b.patchSize[1];
        for (int s = 0; s < b.numBlocks.length; s++) {
            if (s > 0) {
                mapH /= 2; // the 2x2 stride-2 downsampling
                mapW /= 2;
            }
            List<RepMlpUnit> units = new ArrayList<>();
            for (int j = 0; j < b.numBlocks[s]; j++) {
                RepMlpBlock block =
                        new RepMlpBlock(
                                b.channels[s],
                                b.hs[s],
                                b.ws[s],
                                b.sharesetsNums[s],
                                b.reparamConvK,
                                b.globalperceptronReduce,
                                b.deploy);
                block.setMapSize(mapH, mapW);
                units.add(addChildBlock("stages." + s + "." + j, new RepMlpUnit(block, 4)));
            }
            stages.add(units);
        }
        Shape two = new Shape(2, 2);
        for (int s = 0; s + 1 < b.numBlocks.length; s++) {
            embeds.add(
                    addChildBlock(
                            "embeds." + s,
                            new ConvBn(b.channels[s + 1], two, two, new Shape(0, 0), 1, true)));
        }
        headNorm =
                addChildBlock(
                        "head_norm",
                        new BatchNorm2d(b.channels[b.channels.length - 1], ConvBn.EPS));
        addHead();
    }

    /**
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = convEmbedding.forward(ps, new NDList(images), training).head(); // (B,C0,H0,W0)
        for (int s = 0; s < stages.size(); s++) {
            x = forwardStage(ps, s, x, training); // (B, C_s, H_s, W_s)
            if (s < embeds.size()) {
                x = embeds.get(s).forward(ps, new NDList(x), training).head(); // (B,C_s+1,H/2,W/2)
            }
        }
        return x; // (B, C_last, H_last, W_last)
    }

    private NDArray forwardStage(ParameterStore ps, int s, NDArray x, boolean training) {
        for (RepMlpUnit unit : stages.get(s)) {
            x = unit.forward(ps, new NDList(x), training).head(); // (B, C_s, H_s, W_s)
        }
        return x;
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        NDArray x = forwardFeatures(ps, images, training); // (B, C, H, W)
        x = headNorm.forward(ps, new NDList(x), training).head(); // (B, C, H, W)
        return meanHW(x); // (B, C)
    }

    /**
     * Each stage's output before the downsampling that follows it, named {@code stages.s}: (B,
     * channels[s], H_s, W_s).
     */
    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray x = convEmbedding.forward(ps, new NDList(images), training).head(); // (B,C0,H0,W0)
        for (int s = 0; s < stages.size(); s++) {
            x = forwardStage(ps, s, x, training); // (B, C_s, H_s, W_s)
            x.setName("stages." + s);
            out.add(x);
            if (s < embeds.size()) {
                x = embeds.get(s).forward(ps, new NDList(x), training).head();
            }
        }
        return out;
    }

    /**
     * The structural re-parameterisation (the reference's {@code locality_injection()}): a new
     * model in the deploy structure, initialised on {@code manager}, whose every RepMLP block's
     * {@code fc3} is {@link RepMlpBlock#equivalentFc3()} of this model's block and whose other
     * parameters are copies of this model's. In inference mode it gives this model's outputs (up to
     * float rounding) with fewer operations: one grouped FC instead of an FC, a BatchNorm and the
     * convolution branches.
     *
     * @param manager the manager that owns the new model's parameters
     * @return the deploy model
     * @throws IllegalStateException when this model is already deployed or not initialised
     */
    public RepMlpNet reparameterize(NDManager manager) {
        if (config.deploy) {
            throw new IllegalStateException("RepMLPNet is already in its deploy structure");
        }
        if (!isInitialized()) {
            throw new IllegalStateException("initialise or load RepMLPNet before reparameterize()");
        }
        Builder b = config.copy();
        b.deploy = true;
        b.numClass = getNumClasses();
        RepMlpNet deployed = b.build();
        deployed.initialize(manager, DataType.FLOAT32, getInputShape());
        Set<String> fused = new HashSet<>();
        for (int s = 0; s < stages.size(); s++) {
            for (int j = 0; j < stages.get(s).size(); j++) {
                RepMlpBlock from = stages.get(s).get(j).getRepmlpBlock();
                RepMlpBlock to = deployed.stages.get(s).get(j).getRepmlpBlock();
                float[][] wb = from.equivalentFc3();
                Parameter w = to.getFc3().getParameters().get("weight");
                Parameter bias = to.getFc3().getParameters().get("bias");
                set(w, wb[0]);
                set(bias, wb[1]);
                fused.add(w.getId());
                fused.add(bias.getId());
            }
        }
        Map<String, Parameter> src = NamedParameters.of(this);
        for (Map.Entry<String, Parameter> e : NamedParameters.of(deployed).entrySet()) {
            if (fused.contains(e.getValue().getId())) {
                continue;
            }
            Parameter p = src.get(e.getKey());
            if (p == null) {
                throw new IllegalStateException("no parameter " + e.getKey() + " to copy");
            }
            p.getArray().copyTo(e.getValue().getArray());
        }
        return deployed;
    }

    private static void set(Parameter p, float[] values) {
        NDArray dst = p.getArray();
        try (NDManager sub = dst.getManager().newSubManager()) {
            sub.create(values, dst.getShape()).copyTo(dst);
        }
    }

    /**
     * @return whether this is the deploy structure
     */
    public boolean isDeploy() {
        return config.deploy;
    }

    /**
     * @return the stem
     */
    public ConvBn getConvEmbedding() {
        return convEmbedding;
    }

    /**
     * @return the units of every stage, in order
     */
    public List<List<RepMlpUnit>> getStages() {
        return stages.stream().map(List::copyOf).toList();
    }

    /**
     * @return the downsampling layers between stages
     */
    public List<ConvBn> getEmbeds() {
        return List.copyOf(embeds);
    }

    /**
     * @return the norm before pooling
     */
    public BatchNorm2d getHeadNorm() {
        return headNorm;
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        convEmbedding.initialize(manager, dataType, input);
        Shape x = convEmbedding.getOutputShapes(new Shape[] {input})[0];
        for (int s = 0; s < stages.size(); s++) {
            for (RepMlpUnit unit : stages.get(s)) {
                unit.initialize(manager, dataType, x);
            }
            if (s < embeds.size()) {
                embeds.get(s).initialize(manager, dataType, x);
                x = embeds.get(s).getOutputShapes(new Shape[] {x})[0];
            }
        }
        headNorm.initialize(manager, dataType, x);
    }

    /**
     * Builds a {@link RepMlpNet}; the names in messages are the reference constructor's arguments
     * (the config fields), and every rule is checked in {@link #build()}. Defaults are the
     * reference constructor's.
     */
    public static final class Builder {
        private int imgSize = 224;
        private int inChannels = 3;
        private int numClass = 1000;
        private int[] patchSize = {4, 4};
        private int[] numBlocks = {2, 2, 6, 2};
        private int[] channels = {192, 384, 768, 1536};
        private int[] hs = {64, 32, 16, 8};
        private int[] ws = {64, 32, 16, 8};
        private int[] sharesetsNums = {4, 8, 16, 32};
        private int[] reparamConvK = {3};
        private int globalperceptronReduce = 4;
        private boolean deploy;

        Builder() {}

        private Builder copy() {
            Builder b = new Builder();
            b.imgSize = imgSize;
            b.inChannels = inChannels;
            b.numClass = numClass;
            b.patchSize = patchSize.clone();
            b.numBlocks = numBlocks.clone();
            b.channels = channels.clone();
            b.hs = hs.clone();
            b.ws = ws.clone();
            b.sharesetsNums = sharesetsNums.clone();
            b.reparamConvK = reparamConvK == null ? null : reparamConvK.clone();
            b.globalperceptronReduce = globalperceptronReduce;
            b.deploy = deploy;
            return b;
        }

        private static int[] copyOf(int[] v) {
            return v == null ? null : v.clone();
        }

        /**
         * @param v the square input edge in pixels (not a reference argument: the reference takes
         *     any size its partitions divide) @return this
         */
        public Builder setImageSize(int v) {
            imgSize = v;
            return this;
        }

        /**
         * @param v input channels ({@code in_channels}) @return this
         */
        public Builder optInChannels(int v) {
            inChannels = v;
            return this;
        }

        /**
         * @param v the class count ({@code num_class}) @return this
         */
        public Builder optNumClass(int v) {
            numClass = v;
            return this;
        }

        /**
         * @param v the stem's patch (ph, pw) ({@code patch_size}) @return this
         */
        public Builder optPatchSize(int... v) {
            patchSize = copyOf(v);
            return this;
        }

        /**
         * @param v units per stage ({@code num_blocks}) @return this
         */
        public Builder setNumBlocks(int... v) {
            numBlocks = copyOf(v);
            return this;
        }

        /**
         * @param v the width of each stage ({@code channels}) @return this
         */
        public Builder setChannels(int... v) {
            channels = copyOf(v);
            return this;
        }

        /**
         * @param v the partition height of each stage ({@code hs}) @return this
         */
        public Builder setHs(int... v) {
            hs = copyOf(v);
            return this;
        }

        /**
         * @param v the partition width of each stage ({@code ws}) @return this
         */
        public Builder setWs(int... v) {
            ws = copyOf(v);
            return this;
        }

        /**
         * @param v the sharesets of each stage ({@code sharesets_nums}) @return this
         */
        public Builder setSharesetsNums(int... v) {
            sharesetsNums = copyOf(v);
            return this;
        }

        /**
         * @param v the kernel sizes of the convolution branches, or null for none ({@code
         *     reparam_conv_k}) @return this
         */
        public Builder optReparamConvK(int... v) {
            reparamConvK = copyOf(v);
            return this;
        }

        /**
         * @param v the global perceptron's reduction ({@code globalperceptron_reduce}) @return this
         */
        public Builder optGlobalperceptronReduce(int v) {
            globalperceptronReduce = v;
            return this;
        }

        /**
         * @param v whether to build the deploy (re-parameterised) structure ({@code deploy})
         * @return this
         */
        public Builder optDeploy(boolean v) {
            deploy = v;
            return this;
        }

        /**
         * Validates every value, then builds.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public RepMlpNet build() {
            Checks.positive(imgSize, "img_size");
            Checks.positive(inChannels, "in_channels");
            Checks.positive(numClass, "num_class");
            Checks.positive(globalperceptronReduce, "globalperceptron_reduce");
            if (patchSize == null || patchSize.length != 2) {
                throw new IllegalArgumentException(
                        Checks.field("patch_size")
                                + " must be [ph, pw], got "
                                + Arrays.toString(patchSize));
            }
            Checks.positive(patchSize[0], "patch_size");
            Checks.positive(patchSize[1], "patch_size");
            if (numBlocks == null || numBlocks.length == 0) {
                throw new IllegalArgumentException(
                        Checks.field("num_blocks") + " must list at least one stage, got none");
            }
            int stages = numBlocks.length;
            if (stages > 8) {
                throw new IllegalArgumentException(
                        Checks.field("num_blocks") + " lists " + stages + " stages; at most 8");
            }
            String[] names = {"channels", "hs", "ws", "sharesets_nums"};
            int[][] lists = {channels, hs, ws, sharesetsNums};
            for (int i = 0; i < names.length; i++) {
                if (lists[i] == null || lists[i].length != stages) {
                    throw new IllegalArgumentException(
                            Checks.field(names[i])
                                    + " must hold one value per stage ("
                                    + stages
                                    + ", the length of num_blocks), got "
                                    + Arrays.toString(lists[i]));
                }
                for (int v : lists[i]) {
                    Checks.positive(v, names[i]);
                }
            }
            for (int v : numBlocks) {
                Checks.positive(v, "num_blocks");
            }
            if (reparamConvK != null) {
                Set<Integer> seen = new HashSet<>();
                for (int k : reparamConvK) {
                    if (k <= 0 || k % 2 == 0 || !seen.add(k)) {
                        throw new IllegalArgumentException(
                                Checks.field("reparam_conv_k")
                                        + " must list distinct odd positive kernel sizes (padding"
                                        + " k / 2 keeps a partition's size only then), got "
                                        + Arrays.toString(reparamConvK));
                    }
                }
            }
            Checks.divides(patchSize[0], "patch_size", imgSize, "img_size");
            Checks.divides(patchSize[1], "patch_size", imgSize, "img_size");
            long height = imgSize / patchSize[0];
            long width = imgSize / patchSize[1];
            for (int s = 0; s < stages; s++) {
                if (s > 0) {
                    height /= 2; // the 2x2 stride-2 downsampling floors
                    width /= 2;
                }
                if (height == 0 || width == 0 || height % hs[s] != 0 || width % ws[s] != 0) {
                    throw new IllegalArgumentException(
                            "stage "
                                    + s
                                    + " works on a "
                                    + height
                                    + "x"
                                    + width
                                    + " map (img_size "
                                    + imgSize
                                    + " / patch_size, halved per stage), which partitions of "
                                    + Checks.field("hs")
                                    + " x "
                                    + Checks.field("ws")
                                    + " = "
                                    + hs[s]
                                    + "x"
                                    + ws[s]
                                    + " do not tile; make hs[s], ws[s] divide it");
                }
                if (channels[s] % sharesetsNums[s] != 0) {
                    throw new IllegalArgumentException(
                            Checks.field("sharesets_nums")
                                    + "["
                                    + s
                                    + "] = "
                                    + sharesetsNums[s]
                                    + " does not divide "
                                    + Checks.field("channels")
                                    + "["
                                    + s
                                    + "] = "
                                    + channels[s]);
                }
                if (channels[s] / globalperceptronReduce < 1) {
                    throw new IllegalArgumentException(
                            Checks.field("globalperceptron_reduce")
                                    + " ("
                                    + globalperceptronReduce
                                    + ") leaves the global perceptron of stage "
                                    + s
                                    + " ("
                                    + channels[s]
                                    + " channels) no hidden unit");
                }
                long fc = (long) sharesetsNums[s] * hs[s] * ws[s] * hs[s] * ws[s];
                if (fc > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException(
                            "stage "
                                    + s
                                    + "'s partitioned FC (sharesets_nums · (hs · ws)^2 = "
                                    + fc
                                    + " weights) is too large");
                }
            }
            return new RepMlpNet(this);
        }
    }
}
