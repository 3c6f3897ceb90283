package ai.mlpzoo.blocks.raftmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One RaftMLP block (the reference's {@code fn.{j+2}} of a level, {@code ser_pm}): the vertical
 * raft mixer (child {@code 1}), the horizontal one ({@code 3}) and the channel MLP ({@code 5}).
 * Channel d of a token belongs to raft g = d / G at position co = d mod G (G = D / r): the vertical
 * mixer mixes, for each (co, x), the r·h values over (g, y); the horizontal one, for each (co, y),
 * the r·w values over (g, x). The rearranges between them are the reference's einops patterns, here
 * reshapes and transposes.
 *
 * <p>Shapes: tokens (B, h·w, D), row-major, to the same.
 */
public class RaftSubBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final int rafts;
    private final int h;
    private final int w;
    private final RaftMlpBranch vertical;
    private final RaftMlpBranch horizontal;
    private final RaftMlpBranch channel;

    RaftSubBlock(
            int dim, int rafts, int h, int w, int tef, int cef, float dropout, float dropPath) {
        super(VERSION);
        this.dim = dim;
        this.rafts = rafts;
        this.h = h;
        this.w = w;
        vertical =
                addChildBlock("1", RaftMlpBranch.raft(dim, rafts, w, h, tef, dropPath))
                        .optDropout(dropout);
        horizontal =
                addChildBlock("3", RaftMlpBranch.raft(dim, rafts, h, w, tef, dropPath))
                        .optDropout(dropout);
        channel = addChildBlock("5", RaftMlpBranch.channel(dim, cef, dropPath)).optDropout(dropout);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, h·w, D), channel d = g·G + co
        long b = x.getShape().get(0);
        long g = dim / rafts;
        // 'b (h w) (chw co) -> b (co w) (chw h)'
        NDArray v =
                x.reshape(b, h, w, rafts, g) // (B, h, w, r, G)
                        .transpose(0, 4, 2, 3, 1) // (B, G, w, r, h)
                        .reshape(b, g * w, (long) rafts * h); // (B, G·w, r·h)
        v = vertical.forward(ps, new NDList(v), training).head(); // (B, G·w, r·h)
        // 'b (co w) (chw h) -> b (co h) (chw w)'
        v =
                v.reshape(b, g, w, rafts, h) // (B, G, w, r, h)
                        .transpose(0, 1, 4, 3, 2) // (B, G, h, r, w)
                        .reshape(b, g * h, (long) rafts * w); // (B, G·h, r·w)
        v = horizontal.forward(ps, new NDList(v), training).head(); // (B, G·h, r·w)
        // 'b (co h) (chw w) -> b (h w) (chw co)'
        NDArray t =
                v.reshape(b, g, h, rafts, w) // (B, G, h, r, w)
                        .transpose(0, 2, 4, 3, 1) // (B, h, w, r, G)
                        .reshape(b, (long) h * w, dim); // (B, h·w, D)
        return channel.forward(ps, new NDList(t), training); // (B, h·w, D)
    }

    /**
     * @return D
     */
    public int getDim() {
        return dim;
    }

    /**
     * @return r
     */
    public int getRafts() {
        return rafts;
    }

    /**
     * @return the grid height h
     */
    public int getH() {
        return h;
    }

    /**
     * @return the grid width w
     */
    public int getW() {
        return w;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        long g = dim / rafts;
        vertical.initialize(manager, dataType, new Shape(b, g * w, (long) rafts * h));
        horizontal.initialize(manager, dataType, new Shape(b, g * h, (long) rafts * w));
        channel.initialize(manager, dataType, inputs[0]);
    }
}
