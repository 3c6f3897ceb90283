package ai.mlpzoo.blocks.stripmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.PooledClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Strip-MLP (Cao et al. 2023, "Strip-MLP: Efficient Token Interaction for Vision MLP"), the
 * reference's {@code StripMLPNet}: a patch-embedding convolution, four stages of {@link
 * StripBlock}s at E, 2E, 4E, 8E channels and R, R/2, R/4, R/8 pixels (R = img / patch) joined by
 * 2×2 stride-2 convolutions ({@code merging1..3}), plus the grouped 2×2 shortcut convolutions
 * {@code conv_s1_28}, {@code conv_s1_14}, {@code conv_s2_14} that carry stages 1 and 2 forward to
 * the inputs of stages 3 and 4; then BatchNorm ({@code norm}), the mean over H, W ({@code
 * pre_logits}) and the {@code head}.
 *
 * <p>{@link #forwardFeatures} gives the normalised last map (N, 8E, R/8, R/8).
 */
public class StripMlp extends PooledClassifier {

    private static final byte VERSION = 1;

    private final int embedDim;
    private final int grid;
    private final Conv2d patchEmbed;
    private final List<List<StripBlock>> stages = new ArrayList<>();
    private final Conv2d[] merging = new Conv2d[3];
    private final Conv2d convS128;
    private final Conv2d convS114;
    private final Conv2d convS214;
    private final BatchNorm2d norm;

    StripMlp(Builder b) {
        super(VERSION, "Strip-MLP", "head", b.inChans, b.imgSize, 8 * b.embedDim, b.numClasses);
        embedDim = b.embedDim;
        grid = b.imgSize / b.patchSize;
        int e = embedDim;
        patchEmbed =
                addChildBlock(
                        "patch_embed",
                        Conv2d.builder()
                                .setKernelShape(new Shape(b.patchSize, b.patchSize))
                                .optStride(new Shape(b.patchSize, b.patchSize))
                                .setFilters(e)
                                .optBias(false)
                                .build());
        for (int s = 0; s < 4; s++) {
            stages.add(new ArrayList<>());
        }
        addStage(0, b.layers[0]);
        merging[0] = addChildBlock("merging1", down(2 * e, 1));
        convS128 = addChildBlock("conv_s1_28", down(4 * e, 2 * e));
        convS114 = addChildBlock("conv_s1_14", down(8 * e, 4 * e));
        addStage(1, b.layers[1]);
        merging[1] = addChildBlock("merging2", down(4 * e, 1));
        convS214 = addChildBlock("conv_s2_14", down(8 * e, 4 * e));
        addStage(2, b.layers[2]);
        merging[2] = addChildBlock("merging3", down(8 * e, 1));
        addStage(3, b.layers[3]);
        norm = addChildBlock("norm", new BatchNorm2d(8 * e, 1e-5));
        addHead();
    }

    private void addStage(int s, int depth) {
        for (int j = 0; j < depth; j++) {
            stages.get(s)
                    .add(
                            addChildBlock(
                                    "blocks" + (s + 1) + "." + j,
                                    new StripBlock(embedDim << s, grid >> s)));
        }
    }

    private static Conv2d down(int out, int groups) {
        return Conv2d.builder()
                .setKernelShape(new Shape(2, 2))
                .optStride(new Shape(2, 2))
                .setFilters(out)
                .optGroups(groups)
                .optBias(false)
                .build();
    }

    /**
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    private static NDArray run(ParameterStore ps, AbstractBlock b, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).head();
    }

    private NDArray stage(ParameterStore ps, int s, NDArray x, boolean training) {
        for (StripBlock blk : stages.get(s)) {
            x = run(ps, blk, x, training); // (N, C_s, H_s, H_s)
        }
        return x;
    }

    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray x = run(ps, patchEmbed, images, training); // (N, E, R, R)
        x = stage(ps, 0, x, training); // (N, E, R, R)
        out.add(x);
        x = run(ps, merging[0], x, training); // (N, 2E, R/2, R/2)
        NDArray s114 = run(ps, convS128, x, training); // (N, 4E, R/4, R/4)
        NDArray s17 = run(ps, convS114, s114, training); // (N, 8E, R/8, R/8)
        x = stage(ps, 1, x, training); // (N, 2E, R/2, R/2)
        out.add(x);
        x = run(ps, merging[1], x, training); // (N, 4E, R/4, R/4)
        NDArray s27 = run(ps, convS214, x, training); // (N, 8E, R/8, R/8)
        x = stage(ps, 2, x.add(s114), training); // (N, 4E, R/4, R/4)
        out.add(x);
        x = run(ps, merging[2], x, training); // (N, 8E, R/8, R/8)
        x = stage(ps, 3, x.add(s17).add(s27), training); // (N, 8E, R/8, R/8)
        out.add(x);
        for (int s = 0; s < out.size(); s++) {
            out.get(s).setName("blocks" + (s + 1));
        }
        return out;
    }

    @Override
    public NDArray forwardFeatures(ParameterStore ps, NDArray images, boolean training) {
        NDList all = forwardIntermediates(ps, images, training);
        return run(ps, norm, all.get(3), training); // (N, 8E, R/8, R/8)
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        return meanHW(forwardFeatures(ps, images, training)); // (N, 8E)
    }

    /**
     * @return the blocks of stage s (0 to 3)
     * @param s the stage
     */
    public List<StripBlock> getStage(int s) {
        return List.copyOf(stages.get(s));
    }

    /**
     * @return E
     */
    public int getEmbedDim() {
        return embedDim;
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        long n = input.get(0);
        int e = embedDim;
        patchEmbed.initialize(manager, dataType, input);
        Shape[] maps = new Shape[4];
        for (int s = 0; s < 4; s++) {
            maps[s] = new Shape(n, (long) e << s, grid >> s, grid >> s);
            for (StripBlock blk : stages.get(s)) {
                blk.initialize(manager, dataType, maps[s]);
            }
        }
        for (int s = 0; s < 3; s++) {
            merging[s].initialize(manager, dataType, maps[s]);
        }
        convS128.initialize(manager, dataType, maps[1]);
        convS114.initialize(manager, dataType, maps[2]);
        convS214.initialize(manager, dataType, maps[2]);
        norm.initialize(manager, dataType, maps[3]);
    }

    /** Builds a {@link StripMlp}; messages name the reference's arguments (the config fields). */
    public static final class Builder {
        private int imgSize = 224;
        private int patchSize = 4;
        private int inChans = 3;
        private int numClasses = 1000;
        private int embedDim = 80;
        private int[] layers = {2, 8, 14, 2};
        private int alpha = 3;

        Builder() {}

        /**
         * @param v the square input edge @return this
         */
        public Builder setImageSize(int v) {
            imgSize = v;
            return this;
        }

        /**
         * @param v the patch edge @return this
         */
        public Builder setPatchSize(int v) {
            patchSize = v;
            return this;
        }

        /**
         * @param v E, the first stage's width @return this
         */
        public Builder setEmbedDim(int v) {
            embedDim = v;
            return this;
        }

        /**
         * @param v blocks per stage (four stages) @return this
         */
        public Builder setLayers(int... v) {
            layers = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v input channels @return this
         */
        public Builder optInChannels(int v) {
            inChans = v;
            return this;
        }

        /**
         * @param v the class count @return this
         */
        public Builder optNumClasses(int v) {
            numClasses = v;
            return this;
        }

        /**
         * @param v the channel MLP's expansion; the reference only works with 3 @return this
         */
        public Builder optAlpha(int v) {
            alpha = v;
            return this;
        }

        /**
         * Validates every value, then builds.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public StripMlp build() {
            if (layers == null || layers.length == 0) {
                throw new IllegalArgumentException(
                        Checks.field("layers")
                                + " must list the blocks of the four stages, got none");
            }
            if (layers.length != 4) {
                throw new IllegalArgumentException(
                        Checks.field("layers")
                                + " must list the blocks of exactly four stages (StripMLPNet has"
                                + " four), got "
                                + Arrays.toString(layers));
            }
            for (int d : layers) {
                if (d < 0) {
                    throw new IllegalArgumentException(
                            Checks.field("layers")
                                    + " must hold counts >= 0, got "
                                    + Arrays.toString(layers));
                }
            }
            Checks.positive(imgSize, "img_size");
            Checks.positive(patchSize, "patch_size");
            Checks.positive(inChans, "in_chans");
            Checks.positive(numClasses, "num_classes");
            Checks.positive(embedDim, "embed_dim");
            if (alpha != 3) {
                throw new IllegalArgumentException(
                        Checks.field("alpha")
                                + " must be 3: the reference builds its GRN for 3C features whatever"
                                + " alpha is, got "
                                + alpha);
            }
            Checks.divides(patchSize, "patch_size", imgSize, "img_size");
            int grid = imgSize / patchSize;
            if (grid < 8) {
                // the reference sizes stage s as int(grid / 2^s) and its 2 x 2 stride-2 merges
                // floor alike, so any map works (14 gives 14, 7, 3, 1) unless the last is empty
                throw new IllegalArgumentException(
                        "the feature map (img_size / patch_size = "
                                + grid
                                + ") must be at least 8: the three merges halve it (rounding down)"
                                + " and the last stage would be empty");
            }
            if (embedDim > (1 << 20)) {
                throw new IllegalArgumentException(
                        Checks.field("embed_dim") + " is too large: " + embedDim);
            }
            for (int s = 0; s < 4; s++) {
                int c = embedDim << s;
                int g = StripMixing.groups(c);
                if (c % 2 != 0 || g < 1 || (c / 2) % g != 0) {
                    throw new IllegalArgumentException(
                            "stage "
                                    + s
                                    + " has "
                                    + c
                                    + " channels (embed_dim "
                                    + embedDim
                                    + " · 2^"
                                    + s
                                    + "): its strip groups of "
                                    + g
                                    + " channels (C / 4, or C / 2 · 1/2 when C is a multiple of 80)"
                                    + " do not divide its "
                                    + c / 2
                                    + " strip channels; change embed_dim");
                }
            }
            return new StripMlp(this);
        }
    }
}
