package ai.mlpzoo.blocks.raftmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.PooledClassifier;
import ai.mlpzoo.blocks.common.Unfold;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RaftMLP (Tatsunami and Taki 2022, "RaftMLP: How Much Can Be Done Without Attention and with Less
 * Spatial Locality?"), the reference's {@code RaftMLP} with {@code ser_pm} token mixing: levels
 * ({@link RaftLevel}) that each embed their input into an h×w grid and mix it with raft blocks,
 * per-level heads ({@link RaftHead}), and the {@code classifier}. Without {@code shortcut} only the
 * last level has a head (LayerNorm, mean) and its output is {@code pre_logits}; with it, every
 * level has one, the earlier ones projecting to (scale, shift) pairs of the last level's width, and
 * {@code pre_logits} is, from the last level down, {@code a = o_k[:, :D] · a + o_k[:, D:]}.
 * Children {@code levels.i}, {@code heads.k}, {@code classifier}: the reference's state-dict keys.
 *
 * <p>The input must be {@code pretrained_image_size} square: the reference resizes (bicubic) other
 * sizes, which this port does not do. {@link #forwardFeatures} gives the last level's map (B, D, h,
 * w).
 */
public class RaftMlp extends PooledClassifier {

    private static final byte VERSION = 1;

    /**
     * One level's arguments, the reference's {@code layers} entries.
     *
     * @param depth the number of raft blocks
     * @param dim D, the token width
     * @param patchSize p, the embedding's patch (stride)
     * @param raftSize r, the number of rafts (divides D)
     * @param embeddingKernels the cross-scale embedding's kernels ({@code emb_cross_mlp} only)
     */
    public record Level(int depth, int dim, int patchSize, int raftSize, int[] embeddingKernels) {}

    private final List<RaftLevel> levels = new ArrayList<>();
    private final List<RaftHead> heads = new ArrayList<>();
    private final boolean shortcut;
    private final int lastDim;

    RaftMlp(Builder b) {
        super(
                VERSION,
                "RaftMLP",
                "classifier",
                b.inChannels,
                b.imageSize,
                b.levels.get(b.levels.size() - 1).dim(),
                b.numClasses);
        shortcut = b.shortcut;
        lastDim = b.levels.get(b.levels.size() - 1).dim();
        int in = b.inChannels;
        int size = b.imageSize;
        for (int i = 0; i < b.levels.size(); i++) {
            Level l = b.levels.get(i);
            int[] kernels = b.cross ? l.embeddingKernels() : null;
            levels.add(
                    addChildBlock(
                            "levels." + i,
                            new RaftLevel(
                                    in,
                                    l.dim(),
                                    l.patchSize(),
                                    size,
                                    l.raftSize(),
                                    l.depth(),
                                    kernels,
                                    b.tokenExpansion,
                                    b.channelExpansion,
                                    b.dropout,
                                    b.dropPathRate)));
            in = l.dim();
            size /= l.patchSize();
        }
        if (shortcut) {
            for (int i = 0; i < levels.size(); i++) {
                int proj = i < levels.size() - 1 ? 2 * lastDim : 0;
                heads.add(addChildBlock("heads." + i, new RaftHead(levels.get(i).getDim(), proj)));
            }
        } else {
            heads.add(addChildBlock("heads.0", new RaftHead(lastDim, 0)));
        }
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
        NDList all = forwardIntermediates(ps, images, training);
        return all.get(all.size() - 1); // (B, D_last, h, w)
    }

    @Override
    public NDArray forwardPreLogits(ParameterStore ps, NDArray images, boolean training) {
        NDList maps = forwardIntermediates(ps, images, training); // each (B, D_i, h_i, w_i)
        if (!shortcut) {
            return heads.get(0).forward(ps, new NDList(maps.get(maps.size() - 1)), training).head();
        }
        NDArray a = null;
        for (int k = maps.size() - 1; k >= 0; k--) {
            NDArray o = heads.get(k).forward(ps, new NDList(maps.get(k)), training).head();
            if (a == null) {
                a = o; // (B, D_last)
            } else {
                // o: (B, 2·D_last) = (scale, shift)
                NDArray scale = o.get(new NDIndex(":, 0:{}", lastDim)); // (B, D_last)
                NDArray shift = o.get(new NDIndex(":, {}:", lastDim)); // (B, D_last)
                a = scale.mul(a).add(shift); // (B, D_last)
            }
        }
        return a;
    }

    /** Each level's output map, named {@code levels.i}: (B, D_i, h_i, w_i). */
    @Override
    public NDList forwardIntermediates(ParameterStore ps, NDArray images, boolean training) {
        NDList out = new NDList();
        NDArray x = images; // (B, C, H, W)
        for (int i = 0; i < levels.size(); i++) {
            x = levels.get(i).forward(ps, new NDList(x), training).head(); // (B, D_i, h_i, w_i)
            x.setName("levels." + i);
            out.add(x);
        }
        return out;
    }

    /**
     * @return the levels, in order
     */
    public List<RaftLevel> getLevels() {
        return List.copyOf(levels);
    }

    /**
     * @return the heads, in order (one per level with shortcut, else the last level's)
     */
    public List<RaftHead> getHeads() {
        return List.copyOf(heads);
    }

    /**
     * @return whether every level's head feeds {@code pre_logits}
     */
    public boolean isShortcut() {
        return shortcut;
    }

    /**
     * @return the last level's width, that of {@code pre_logits}
     */
    public int getLastDim() {
        return lastDim;
    }

    @Override
    protected void initializeBody(NDManager manager, DataType dataType, Shape input) {
        Shape x = input;
        List<Shape> maps = new ArrayList<>();
        for (RaftLevel level : levels) {
            level.initialize(manager, dataType, x);
            x = level.getOutputShapes(new Shape[] {x})[0];
            maps.add(x);
        }
        if (shortcut) {
            for (int i = 0; i < heads.size(); i++) {
                heads.get(i).initialize(manager, dataType, maps.get(i));
            }
        } else {
            heads.get(0).initialize(manager, dataType, maps.get(maps.size() - 1));
        }
    }

    /**
     * Builds a {@link RaftMlp}; messages name the reference's arguments (the config fields), levels
     * as {@code layers[i].<key>}.
     */
    public static final class Builder {
        private List<Level> levels;
        private int inChannels = 3;
        private int imageSize = 224;
        private int numClasses = 1000;
        private int tokenExpansion = 2;
        private int channelExpansion = 4;
        private float dropout;
        private float dropPathRate;
        private boolean cross;
        private boolean shortcut = true;

        Builder() {}

        /**
         * @param v the levels, in order @return this
         */
        public Builder setLevels(List<Level> v) {
            levels = v == null ? null : List.copyOf(v);
            return this;
        }

        /**
         * @param v the square input edge ({@code pretrained_image_size}) @return this
         */
        public Builder setImageSize(int v) {
            imageSize = v;
            return this;
        }

        /**
         * @param v input channels @return this
         */
        public Builder optInChannels(int v) {
            inChannels = v;
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
         * @param v the raft MLPs' expansion (tef) @return this
         */
        public Builder optTokenExpansionFactor(int v) {
            tokenExpansion = v;
            return this;
        }

        /**
         * @param v the channel MLPs' expansion (cef) @return this
         */
        public Builder optChannelExpansionFactor(int v) {
            channelExpansion = v;
            return this;
        }

        /**
         * @param v dropout inside the MLPs while training @return this
         */
        public Builder optDropout(float v) {
            dropout = v;
            return this;
        }

        /**
         * @param v the stochastic-depth rate of every residual branch @return this
         */
        public Builder optDropPathRate(float v) {
            dropPathRate = v;
            return this;
        }

        /**
         * @param v whether the embeddings are cross-scale ({@code emb_cross_mlp}) @return this
         */
        public Builder optCrossScaleEmbedding(boolean v) {
            cross = v;
            return this;
        }

        /**
         * @param v whether every level's head feeds the classifier @return this
         */
        public Builder optShortcut(boolean v) {
            shortcut = v;
            return this;
        }

        /**
         * Validates every value, then builds.
         *
         * @return the model
         * @throws IllegalArgumentException naming the first bad field
         */
        public RaftMlp build() {
            if (levels == null || levels.isEmpty()) {
                throw new IllegalArgumentException(
                        Checks.field("layers") + " must list at least one level, got none");
            }
            Checks.positive(inChannels, "in_channels");
            Checks.positive(imageSize, "pretrained_image_size");
            Checks.positive(numClasses, "num_classes");
            Checks.positive(tokenExpansion, "token_expansion_factor");
            Checks.positive(channelExpansion, "channel_expansion_factor");
            Checks.probability(dropout, "dropout");
            Checks.probability(dropPathRate, "drop_path_rate");
            int size = imageSize;
            int in = inChannels;
            for (int i = 0; i < levels.size(); i++) {
                Level l = levels.get(i);
                String at = "layers[" + i + "].";
                if (l == null) {
                    throw new IllegalArgumentException(
                            Checks.field("layers") + " entry " + i + " is null");
                }
                Checks.positive(l.depth(), at + "depth");
                Checks.positive(l.dim(), at + "dim");
                Checks.positive(l.patchSize(), at + "patch_size");
                Checks.positive(l.raftSize(), at + "raft_size");
                Checks.divides(l.raftSize(), at + "raft_size", l.dim(), at + "dim");
                if (size % l.patchSize() != 0) {
                    throw new IllegalArgumentException(
                            Checks.field(at + "patch_size")
                                    + " ("
                                    + l.patchSize()
                                    + ") does not divide level "
                                    + i
                                    + "'s "
                                    + size
                                    + "x"
                                    + size
                                    + " input (pretrained_image_size "
                                    + imageSize
                                    + " over the earlier patches); the reference would resize");
                }
                if (cross) {
                    int[] k = l.embeddingKernels();
                    if (k == null || k.length == 0) {
                        throw new IllegalArgumentException(
                                Checks.field(at + "embedding_kernels")
                                        + " is required with embedding_type emb_cross_mlp");
                    }
                    int min = Arrays.stream(k).min().getAsInt();
                    if (k[0] != l.patchSize() || min != l.patchSize()) {
                        throw new IllegalArgumentException(
                                Checks.field(at + "embedding_kernels")
                                        + " "
                                        + Arrays.toString(k)
                                        + " must start with, and never go below, the patch_size ("
                                        + l.patchSize()
                                        + ")");
                    }
                    for (int kk : k) {
                        try {
                            Unfold.check(kk, min, size, size);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(
                                    Checks.field(at + "embedding_kernels") + ": " + e.getMessage(),
                                    e);
                        }
                    }
                } else if (l.patchSize() == 1 && in != l.dim()) {
                    // the reference has no Linear in that case and fails on the first block
                    throw new IllegalArgumentException(
                            Checks.field(at + "patch_size")
                                    + " 1 with emb_mixer needs dim == the input channels ("
                                    + in
                                    + "), got "
                                    + l.dim());
                }
                size /= l.patchSize();
                in = l.dim();
            }
            return new RaftMlp(this);
        }
    }
}
