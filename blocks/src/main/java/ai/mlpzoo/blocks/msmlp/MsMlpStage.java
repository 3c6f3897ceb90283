package ai.mlpzoo.blocks.msmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * One MS-MLP stage (the reference's {@code BasicLayer}): {@code depth} mix-shift blocks at one
 * resolution, then, except in the last stage, the downsampling patch embedding (2×2, stride 2, C to
 * 2C, LayerNorm). Children {@code blocks.j}, {@code downsample}.
 *
 * <p>Shapes: (B, C, H, W) to (B, 2C, H / 2, W / 2), or (B, C, H, W) in the last stage.
 */
public class MsMlpStage extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<MixShiftBlock> blocks = new ArrayList<>();
    private final MsPatchEmbed downsample;

    MsMlpStage(List<MixShiftBlock> blocks, MsPatchEmbed downsample) {
        super(VERSION);
        for (int j = 0; j < blocks.size(); j++) {
            this.blocks.add(addChildBlock("blocks." + j, blocks.get(j)));
        }
        this.downsample = downsample == null ? null : addChildBlock("downsample", downsample);
    }

    /**
     * Runs the blocks only, without the downsampling.
     *
     * @param ps the parameter store
     * @param x (B, C, H, W)
     * @param training whether training
     * @return (B, C, H, W)
     */
    public NDArray forwardBlocks(ParameterStore ps, NDArray x, boolean training) {
        for (MixShiftBlock b : blocks) {
            x = b.forward(ps, new NDList(x), training).head(); // (B, C, H, W)
        }
        return x;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = forwardBlocks(ps, inputs.head(), training); // (B, C, H, W)
        if (downsample != null) {
            x = downsample.forward(ps, new NDList(x), training).head(); // (B, 2C, H/2, W/2)
        }
        return new NDList(x);
    }

    /**
     * @return the blocks, in order
     */
    public List<MixShiftBlock> getBlocks() {
        return List.copyOf(blocks);
    }

    /**
     * @return the downsampling embedding, or null in the last stage
     */
    public MsPatchEmbed getDownsample() {
        return downsample;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return downsample == null ? inputShapes : downsample.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        for (MixShiftBlock b : blocks) {
            b.initialize(manager, dataType, inputs[0]);
        }
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputs[0]);
        }
    }
}
