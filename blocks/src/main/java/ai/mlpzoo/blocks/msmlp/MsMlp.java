package ai.mlpzoo.blocks.msmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.PooledClassifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MS-MLP (Zheng et al. 2022, "Mixing and Shifting: Exploiting Global and Local Dependencies in
 * Vision MLPs"), the reference's {@code MS_MLP}: a patch-embedding stem (conv p×p, LayerNorm),
 * stages of {@link MixShiftBlock}s at E·2ˢ channels and R / 2ˢ pixels (R = img / patch) with a 2×2
 * patch embedding between them, then the mean over H, W, a LayerNorm (eps 1e-6) giving {@code
 * pre_logits}, and the linear {@code head}. Children {@code patch_embed}, {@code layers.s}, {@code
 * norm}, {@code head}: the reference's state-dict keys.
 *
 * <p>{@link #forwardFeatures} gives the last stage's map (B, F, R / 2ᴸ⁻¹, R / 2ᴸ⁻¹), F = E·2ᴸ⁻¹.
 */
public class MsMlp extends PooledClassifier {

    private static final byte VERSION = 1;

    private final MsPatchEmbed patchEmbed;
    private final List<MsMlpStage> layers = new ArrayList<>();
    private final ChannelLayerNorm norm;
    private final int embedDim;
    private final int gridSize;

    MsMlp(Builder b) {
        super(
                VERSION,
                "MS-MLP",
                "head",
                b.inChans,
                b.imgSize,
                b.embedDim << (b.depths.length - 1),
                b.numClasses);
        embedDim = b.embedDim;
        gridSize = b.imgSize / b.patchSize;
        patchEmbed =
                addChildBlock("patch_embed", new MsPatchEmbed(b.patchSize, embedDim, b.patchNorm));
        int total = Arrays.stream(b.depths).sum();
        int seen = 0;
        for (int s = 0; s < b.depths.length; s++) {
            int dim = embedDim << s;
            List<MixShiftBlock> blocks = new ArrayList<>();
            for (int j = 0; j < b.depths[s]; j++, seen++) {
                // the reference's stochastic-depth decay: linspace(0, rate, total)
                float rate = total <= 1 ? 0f : (float) (b.dropPathRate * seen / (total - 1));
                blocks.add(
                        new MixShiftBlock(
                                dim, gridSize >> s, b.shiftDist, b.mixSize[s], b.mlpRatio, rate));
            }
            // the reference gives the downsampling its norm whatever patch_norm says
            MsPatchEmbed down = s < b.depths.length - 1 ? new MsPatchEmbed(2, 2 * dim, true) : null;
            layers.add(addChildBlock("layers." + s, new MsMlpStage(blocks, down)));
        }
        norm = addChildBlock("norm", new ChannelLayerNorm(1, MsPatchEmbed.EPS));
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
        NDArray x = patchEmbed.forward(ps, new NDList(images), training).head(); // (B, E, R, R)
        for (MsMlpStage stage : layers) {
            x = stage.forward(ps, new NDList(x), training).head(); // (B, 2C, R', R') or last
        }
        return x; // (B, F, R / 2^(L-1), R / 2^(L-1))
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        NDArray pooled = meanHW(forwardFeatures(ps, images, training)); // (B, F)
        return norm.forward(ps, new NDList(pooled), training).head(); // (B, F)
    }

    /**
     * Each stage's blocks' output before its downsampling, named {@code layers.s}: (B, E·2ˢ, R /
     * 2ˢ, R / 2ˢ).
     */
    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray x = patchEmbed.forward(ps, new NDList(images), training).head(); // (B, E, R, R)
        for (int s = 0; s < layers.size(); s++) {
            MsMlpStage stage = layers.get(s);
            x = stage.forwardBlocks(ps, x, training); // (B, C, R', R')
            x.setName("layers." + s);
            out.add(x);
            if (stage.getDownsample() != null) {
                x = stage.getDownsample().forward(ps, new NDList(x), training).head();
            }
        }
        return out;
    }

    /**
     * @return the stages, in order
     */
    public List<MsMlpStage> getLayers() {
        return List.copyOf(layers);
    }

    /**
     * @return the stem's width E
     */
    public int getEmbedDim() {
        return embedDim;
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        patchEmbed.initialize(manager, dataType, input);
        Shape x = new Shape(input.get(0), embedDim, gridSize, gridSize);
        for (MsMlpStage stage : layers) {
            stage.initialize(manager, dataType, x);
            x = stage.getOutputShapes(new Shape[] {x})[0];
        }
        norm.initialize(manager, dataType, new Shape(input.get(0), x.get(1)));
    }

    /**
     * Builds an {@link MsMlp}; the names in messages are the reference constructor's arguments (the
     * config fields), and every rule is checked in {@link #build()}.
     */
    public static final class Builder {
        private int imgSize = 224;
        private int patchSize = 4;
        private int inChans = 3;
        private int numClasses = 1000;
        private int embedDim = 96;
        private int[] depths = {2, 2, 6, 2};
        private int shiftSize = 5;
        private int[] shiftDist = {-2, -1, 0, 1, 2};
        private int[][] mixSize = {
            {1, 1, 3, 5, 7}, {1, 1, 3, 5, 5}, {1, 1, 3, 3, 3}, {1, 1, 1, 1, 3}
        };
        private double mlpRatio = 4.0;
        private float dropPathRate = 0.1f;
        private boolean patchNorm = true;

        Builder() {}

        /**
         * @param v the square input edge @return this
         */
        public Builder setImageSize(int v) {
            imgSize = v;
            return this;
        }

        /**
         * @param v the stem's patch edge @return this
         */
        public Builder setPatchSize(int v) {
            patchSize = v;
            return this;
        }

        /**
         * @param v the stem's width E @return this
         */
        public Builder setEmbedDim(int v) {
            embedDim = v;
            return this;
        }

        /**
         * @param v blocks per stage @return this
         */
        public Builder setDepths(int... v) {
            depths = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v channel groups per block @return this
         */
        public Builder optShiftSize(int v) {
            shiftSize = v;
            return this;
        }

        /**
         * @param v the roll distance of each group @return this
         */
        public Builder optShiftDist(int... v) {
            shiftDist = v == null ? null : v.clone();
            return this;
        }

        /**
         * @param v the depthwise kernel of each group, one row per stage @return this
         */
        public Builder optMixSize(int[][] v) {
            mixSize =
                    v == null
                            ? null
                            : Arrays.stream(v)
                                    .map(r -> r == null ? null : r.clone())
                                    .toArray(int[][]::new);
            return this;
        }

        /**
         * @param v the channel MLP's hidden width as a multiple of C @return this
         */
        public Builder optMlpRatio(double v) {
            mlpRatio = v;
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
         * @param v the last block's stochastic-depth rate (linear from 0) @return this
         */
        public Builder optDropPathRate(float v) {
            dropPathRate = v;
            return this;
        }

        /**
         * @param v whether the patch embeddings end in a LayerNorm @return this
         */
        public Builder optPatchNorm(boolean v) {
            patchNorm = v;
            return this;
        }

        /**
         * Validates every value, then builds.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public MsMlp build() {
            Checks.positive(imgSize, "img_size");
            Checks.positive(patchSize, "patch_size");
            Checks.positive(inChans, "in_chans");
            Checks.positive(numClasses, "num_classes");
            Checks.positive(embedDim, "embed_dim");
            Checks.positive(mlpRatio, "mlp_ratio");
            Checks.probability(dropPathRate, "drop_path_rate");
            if (depths == null || depths.length == 0) {
                throw new IllegalArgumentException(
                        Checks.field("depths") + " must list at least one stage, got none");
            }
            if (depths.length > 16) {
                throw new IllegalArgumentException(
                        Checks.field("depths") + " lists " + depths.length + " stages; at most 16");
            }
            for (int d : depths) {
                Checks.positive(d, "depths");
            }
            Checks.divides(patchSize, "patch_size", imgSize, "img_size");
            int grid = imgSize / patchSize;
            int scale = 1 << (depths.length - 1);
            if (grid % scale != 0) {
                throw new IllegalArgumentException(
                        "the feature map (img_size / patch_size = "
                                + grid
                                + ") must be divisible by 2^"
                                + (depths.length - 1)
                                + " = "
                                + scale
                                + " for the "
                                + depths.length
                                + " stages of "
                                + Checks.field("depths")
                                + " to halve it");
            }
            Checks.positive(shiftSize, "shift_size");
            if (shiftDist == null || shiftDist.length != shiftSize) {
                throw new IllegalArgumentException(
                        Checks.field("shift_dist")
                                + " must hold shift_size ("
                                + shiftSize
                                + ") distances, got "
                                + Arrays.toString(shiftDist));
            }
            if (mixSize == null || mixSize.length < depths.length) {
                throw new IllegalArgumentException(
                        Checks.field("mix_size")
                                + " must have a row per stage ("
                                + depths.length
                                + "), got "
                                + (mixSize == null ? 0 : mixSize.length));
            }
            for (int s = 0; s < depths.length; s++) {
                int[] row = mixSize[s];
                if (row == null || row.length != shiftSize) {
                    throw new IllegalArgumentException(
                            Checks.field("mix_size")
                                    + " row "
                                    + s
                                    + " must hold shift_size ("
                                    + shiftSize
                                    + ") kernel sizes, got "
                                    + Arrays.toString(row));
                }
                for (int k : row) {
                    if (k <= 0 || k % 2 == 0) {
                        throw new IllegalArgumentException(
                                Checks.field("mix_size")
                                        + " row "
                                        + s
                                        + " must hold odd positive kernel sizes (padding k / 2"
                                        + " keeps the map's size only then), got "
                                        + Arrays.toString(row));
                    }
                }
                int dim = embedDim << s;
                int groups = MixShiftBlock.chunkSizes(dim, shiftSize).length;
                if (groups != shiftSize) {
                    throw new IllegalArgumentException(
                            "stage "
                                    + s
                                    + " has "
                                    + dim
                                    + " channels, which torch.chunk cuts into "
                                    + groups
                                    + " groups, not "
                                    + Checks.field("shift_size")
                                    + " ("
                                    + shiftSize
                                    + "); change embed_dim or shift_size");
                }
            }
            if ((long) (mlpRatio * (embedDim << (depths.length - 1))) < 1) {
                throw new IllegalArgumentException(
                        Checks.field("mlp_ratio") + " gives an empty MLP");
            }
            return new MsMlp(this);
        }
    }
}
