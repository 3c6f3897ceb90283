package ai.mlpzoo.blocks.raftmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.DropPath;

/**
 * A residual MLP of RaftMLP: {@code x + fn.3(GELU(fn.0(norm(x))))}. Two kinds, as the reference's
 * {@code ChannelBlock} and {@code PermutedBlock}:
 *
 * <ul>
 *   <li>channel: on tokens (B, N, D), LayerNorm over D (child {@code norm}), Linear D → D·cef → D.
 *   <li>raft (token mixing): on (B, G·o1, r·o2), the rows indexed (co, o1) and the columns (g, o2)
 *       with G = D / r channels per raft, r rafts, o2 the mixed axis (height for the vertical
 *       mixer, width for the horizontal one), o1 the other. The norm (child {@code norm.1}) puts
 *       each token's D channels in (co, g) order, normalises over them and puts them back; the MLP
 *       then mixes the r·o2 values of each (co, o1): Linear r·o2 → r·o2·tef → r·o2.
 * </ul>
 *
 * Children {@code norm} or {@code norm.1}, then {@code fn.0}, {@code fn.3}. Shapes: unchanged.
 */
public class RaftMlpBranch extends AbstractBlock {

    private static final byte VERSION = 1;

    /** nn.LayerNorm's default epsilon, the reference's everywhere. */
    public static final double EPS = 1e-5;

    private final boolean raft;
    private final int channels;
    private final int rafts;
    private final int other;
    private final int mixed;
    private final float dropPath;
    private float dropout;
    private final ChannelLayerNorm norm;
    private final Linear fc1;
    private final Linear fc2;

    private RaftMlpBranch(
            boolean raft,
            int channels,
            int rafts,
            int other,
            int mixed,
            int width,
            int expansion,
            float dropPath) {
        super(VERSION);
        this.raft = raft;
        this.channels = channels;
        this.rafts = rafts;
        this.other = other;
        this.mixed = mixed;
        this.dropPath = dropPath;
        norm = addChildBlock(raft ? "norm.1" : "norm", new ChannelLayerNorm(2, EPS));
        fc1 = addChildBlock("fn.0", Linear.builder().setUnits((long) width * expansion).build());
        fc2 = addChildBlock("fn.3", Linear.builder().setUnits(width).build());
    }

    /**
     * The channel MLP ({@code ChannelBlock}).
     *
     * @param dim D
     * @param expansion the hidden width as a multiple of D (cef)
     * @param dropPath stochastic-depth rate while training
     * @return the block
     */
    public static RaftMlpBranch channel(int dim, int expansion, float dropPath) {
        return new RaftMlpBranch(false, dim, 1, 0, 0, dim, expansion, dropPath);
    }

    /**
     * A raft token mixer ({@code PermutedBlock}).
     *
     * @param dim D
     * @param rafts r
     * @param other o1, the length of the axis not mixed
     * @param mixed o2, the length of the mixed axis
     * @param expansion the hidden width as a multiple of r·o2 (tef)
     * @param dropPath stochastic-depth rate while training
     * @return the block
     */
    public static RaftMlpBranch raft(
            int dim, int rafts, int other, int mixed, int expansion, float dropPath) {
        return new RaftMlpBranch(
                true, dim, rafts, other, mixed, rafts * mixed, expansion, dropPath);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // channel: (B, N, D); raft: (B, G·o1, r·o2)
        NDArray u = raft ? raftNorm(ps, x, training) : norm.forward(ps, inputs, training).head();
        u = fc1.forward(ps, new NDList(u), training).head(); // (..., width·expansion)
        u = Dropout.dropout(Activation.gelu(u), dropout, training).head(); // (..., hidden)
        u = fc2.forward(ps, new NDList(u), training).head(); // (..., width)
        u = Dropout.dropout(u, dropout, training).head(); // (..., width)
        return new NDList(DropPath.apply(u, dropPath, training).add(x)); // same as x
    }

    /** The LayerNorm over each token's D channels in (co, g) order, on the raft layout. */
    private NDArray raftNorm(ParameterStore ps, NDArray x, boolean training) {
        long b = x.getShape().get(0);
        long g = channels / rafts;
        NDArray t =
                x.reshape(b, g, other, rafts, mixed) // (B, G, o1, r, o2)
                        .transpose(0, 2, 4, 1, 3) // (B, o1, o2, G, r)
                        .reshape(b, (long) other * mixed, channels); // (B, o1·o2, D) in (co, g)
        t = norm.forward(ps, new NDList(t), training).head(); // (B, o1·o2, D)
        return t.reshape(b, other, mixed, g, rafts) // (B, o1, o2, G, r)
                .transpose(0, 3, 1, 4, 2) // (B, G, o1, r, o2)
                .reshape(b, g * other, (long) rafts * mixed); // (B, G·o1, r·o2)
    }

    /**
     * Sets the dropout after the activation and after the second Linear (training only).
     *
     * @param rate the rate in [0, 1)
     * @return this
     */
    public RaftMlpBranch optDropout(float rate) {
        dropout = rate;
        return this;
    }

    /**
     * @return whether this is a raft token mixer (else the channel MLP)
     */
    public boolean isRaft() {
        return raft;
    }

    /**
     * @return D
     */
    public int getChannels() {
        return channels;
    }

    /**
     * @return r
     */
    public int getRafts() {
        return rafts;
    }

    /**
     * @return o1, the length of the axis not mixed
     */
    public int getOther() {
        return other;
    }

    /**
     * @return o2, the length of the mixed axis
     */
    public int getMixed() {
        return mixed;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        long b = in.get(0);
        norm.initialize(
                manager, dataType, raft ? new Shape(b, (long) other * mixed, channels) : in);
        fc1.initialize(manager, dataType, in);
        fc2.initialize(manager, dataType, fc1.getOutputShapes(new Shape[] {in}));
    }
}
