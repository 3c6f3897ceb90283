package ai.mlpzoo.blocks.msmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;

/**
 * MS-MLP's {@code PatchEmbed}: a convolution whose kernel and stride are the patch, then (with
 * {@code patch_norm}) a LayerNorm over the channels of each pixel, eps 1e-6. It is both the stem
 * ({@code patch_embed}, patch 4) and the downsampling between stages ({@code layers.s.downsample},
 * patch 2, C to 2C). Children {@code proj}, {@code norm}.
 *
 * <p>Shapes: (B, C, H, W) to (B, E, H / p, W / p); the map stays channels-first.
 */
public class MsPatchEmbed extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The reference's LayerNorm epsilon ({@code ms_mlp.py}'s own LayerNorm). */
    public static final double EPS = 1e-6;

    private final Conv2d proj;
    private final ChannelLayerNorm norm;
    private final int patchSize;
    private final int embedDim;

    /**
     * Creates the embedding.
     *
     * @param patchSize the patch edge (kernel and stride)
     * @param embedDim output channels
     * @param patchNorm whether a LayerNorm follows the convolution
     */
    public MsPatchEmbed(int patchSize, int embedDim, boolean patchNorm) {
        super(VERSION);
        this.patchSize = patchSize;
        this.embedDim = embedDim;
        proj =
                addChildBlock(
                        "proj",
                        Conv2d.builder()
                                .setKernelShape(new Shape(patchSize, patchSize))
                                .optStride(new Shape(patchSize, patchSize))
                                .setFilters(embedDim)
                                .build());
        norm = patchNorm ? addChildBlock("norm", new ChannelLayerNorm(3, EPS)) : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = proj.forward(ps, inputs, training).head(); // (B, E, H/p, W/p)
        if (norm == null) {
            return new NDList(y);
        }
        NDArray nhwc = y.transpose(0, 2, 3, 1); // (B, H/p, W/p, E)
        nhwc = norm.forward(ps, new NDList(nhwc), training).head(); // (B, H/p, W/p, E)
        return new NDList(nhwc.transpose(0, 3, 1, 2)); // (B, E, H/p, W/p)
    }

    /**
     * @return whether a LayerNorm follows the convolution
     */
    public boolean hasNorm() {
        return norm != null;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(in.get(0), embedDim, in.get(2) / patchSize, in.get(3) / patchSize)
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        proj.initialize(manager, dataType, inputs[0]);
        if (norm != null) {
            Shape out = getOutputShapes(inputs)[0];
            norm.initialize(
                    manager, dataType, new Shape(out.get(0), out.get(2), out.get(3), embedDim));
        }
    }
}
