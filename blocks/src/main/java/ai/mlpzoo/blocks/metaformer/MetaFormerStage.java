package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;
import java.util.ArrayList;
import java.util.List;

/**
 * One stage of a MetaFormer, timm's {@code MetaFormerStage}: a {@link Downsampling} (norm, then
 * conv 3x3 stride 2 padding 1) when the width changes, then the {@link MetaFormerBlock}s at the new
 * resolution. Children {@code downsample} (absent when in and out widths are equal, as timm) and
 * {@code blocks.0 .. blocks.N-1}.
 *
 * <p>Shapes: (batch, in, H, W) to (batch, out, ceil(H / 2), ceil(W / 2)), or unchanged without
 * downsampling.
 *
 * <p>Hook points {@code blocks.j}, each block's output.
 */
public class MetaFormerStage extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Downsampling downsample;
    private final List<MetaFormerBlock> blocks = new ArrayList<>();
    private final List<HookPoint> hookBlocks = new ArrayList<>();

    /**
     * Creates the stage.
     *
     * @param downsample the downsampling layer, or null when the width does not change
     * @param blocks the blocks, in order
     */
    public MetaFormerStage(Downsampling downsample, List<MetaFormerBlock> blocks) {
        super(VERSION);
        this.downsample = downsample == null ? null : addChildBlock("downsample", downsample);
        for (int j = 0; j < blocks.size(); j++) {
            this.blocks.add(addChildBlock("blocks." + j, blocks.get(j)));
            hookBlocks.add(new HookPoint("blocks." + j));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, in, H, W)
        if (downsample != null) {
            x = downsample.forward(ps, new NDList(x), training).head(); // (B, out, H/2, W/2)
        }
        for (int j = 0; j < blocks.size(); j++) {
            NDArray in = x;
            x =
                    hookBlocks
                            .get(j)
                            .apply(in, blocks.get(j).forward(ps, new NDList(in), training).head());
        }
        return new NDList(x);
    }

    /**
     * @return the downsampling layer, or null
     */
    public Downsampling getDownsample() {
        return downsample;
    }

    /**
     * @return the blocks, in order
     */
    public List<MetaFormerBlock> getBlocks() {
        return List.copyOf(blocks);
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.copyOf(hookBlocks);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return downsample == null ? inputShapes : downsample.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        if (downsample != null) {
            downsample.initialize(manager, dataType, x);
            x = downsample.getOutputShapes(new Shape[] {x})[0];
        }
        for (Block b : blocks) {
            b.initialize(manager, dataType, x);
        }
    }
}
