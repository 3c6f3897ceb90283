package ai.mlpzoo.blocks.raftmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One RaftMLP level (the reference's {@code SerialPermutedLevel}): an embedding to an h×w grid of
 * D-wide tokens, {@code depth} {@link RaftSubBlock}s, and the tokens back to a map. The embedding
 * is either {@code emb_mixer}, each p×p patch flattened in (row, column, channel) order then a
 * Linear (child {@code fn.1}), or {@code emb_cross_mlp}, a {@link CrossScaleEmbedding} (child
 * {@code fn.0}); the blocks are children {@code fn.2} .. {@code fn.(depth+1)}.
 *
 * <p>Shapes: (B, C, H, W) to (B, D, H / p, W / p).
 */
public class RaftLevel extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inChannels;
    private final int dim;
    private final int patch;
    private final int grid;
    private final Block embedding;
    private final boolean cross;
    private final List<RaftSubBlock> blocks = new ArrayList<>();

    RaftLevel(
            int inChannels,
            int dim,
            int patch,
            int imageSize,
            int rafts,
            int depth,
            int[] crossKernels,
            int tef,
            int cef,
            float dropout,
            float dropPath) {
        super(VERSION);
        this.inChannels = inChannels;
        this.dim = dim;
        this.patch = patch;
        this.grid = imageSize / patch;
        this.cross = crossKernels != null;
        embedding =
                cross
                        ? addChildBlock(
                                "fn.0",
                                new CrossScaleEmbedding(crossKernels, dim, inChannels, imageSize))
                        : addChildBlock("fn.1", Linear.builder().setUnits(dim).build());
        for (int j = 0; j < depth; j++) {
            blocks.add(
                    addChildBlock(
                            "fn." + (j + 2),
                            new RaftSubBlock(dim, rafts, grid, grid, tef, cef, dropout, dropPath)));
        }
    }

    /**
     * The embedding alone.
     *
     * @param ps the parameter store
     * @param x (B, C, H, W)
     * @param training whether training
     * @return tokens (B, h·w, D), row-major
     */
    NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        if (cross) {
            return embedding.forward(ps, new NDList(x), training).head(); // (B, h·w, D)
        }
        long b = x.getShape().get(0);
        // 'b c (h p1) (w p2) -> b (h w) (p1 p2 c)'
        NDArray patches =
                x.reshape(b, inChannels, grid, patch, grid, patch) // (B, C, h, p, w, p)
                        .transpose(0, 2, 4, 3, 5, 1) // (B, h, w, p1, p2, C)
                        .reshape(b, (long) grid * grid, (long) patch * patch * inChannels);
        return embedding.forward(ps, new NDList(patches), training).head(); // (B, h·w, D)
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray t = embed(ps, inputs.head(), training); // (B, h·w, D)
        for (RaftSubBlock blk : blocks) {
            t = blk.forward(ps, new NDList(t), training).head(); // (B, h·w, D)
        }
        long b = t.getShape().get(0);
        // 'b (h w) c -> b c h w'
        return new NDList(t.reshape(b, grid, grid, dim).transpose(0, 3, 1, 2)); // (B, D, h, w)
    }

    /**
     * @return whether the embedding is the cross-scale one
     */
    public boolean isCross() {
        return cross;
    }

    /**
     * @return the input channels
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * @return D
     */
    public int getDim() {
        return dim;
    }

    /**
     * @return the patch edge p
     */
    public int getPatch() {
        return patch;
    }

    /**
     * @return the grid edge h = w
     */
    public int getGrid() {
        return grid;
    }

    /**
     * @return the blocks, in order
     */
    public List<RaftSubBlock> getBlocks() {
        return List.copyOf(blocks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dim, grid, grid)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        if (cross) {
            embedding.initialize(manager, dataType, inputs[0]);
        } else {
            embedding.initialize(
                    manager,
                    dataType,
                    new Shape(b, (long) grid * grid, (long) patch * patch * inChannels));
        }
        Shape tokens = new Shape(b, (long) grid * grid, dim);
        for (RaftSubBlock blk : blocks) {
            blk.initialize(manager, dataType, tokens);
        }
    }
}
