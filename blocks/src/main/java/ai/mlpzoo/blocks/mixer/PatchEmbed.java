package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import java.util.List;

/**
 * The patch-embedding stem of ViT and MLP-Mixer: a convolution whose kernel and stride are the
 * patch size, then the grid flattened into tokens. Child {@code proj} as in timm's {@code
 * PatchEmbed}; LeCun-normal weight, zero bias (timm's stem initialisation).
 *
 * <p>Shapes: (batch, channels, H, W) to (batch, (H / p) * (W / p), dim).
 *
 * <p>Hook point {@code proj}: the convolution's (batch, dim, H / p, W / p) output.
 */
public class PatchEmbed extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Conv2d proj;
    private final int patchSize;
    private final int embedDim;
    private final HookPoint hookProj = new HookPoint("proj");

    /**
     * Creates the stem.
     *
     * @param patchSize the patch edge in pixels
     * @param embedDim the token width
     */
    public PatchEmbed(int patchSize, int embedDim) {
        super(VERSION);
        this.patchSize = patchSize;
        this.embedDim = embedDim;
        proj =
                Conv2d.builder()
                        .setKernelShape(new Shape(patchSize, patchSize))
                        .optStride(new Shape(patchSize, patchSize))
                        .setFilters(embedDim)
                        .build();
        proj.setInitializer(Initializers.lecunNormal(), Parameter.Type.WEIGHT);
        proj.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        addChildBlock("proj", proj);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y =
                hookProj.apply(
                        inputs.head(), proj.forward(ps, inputs, training).head()); // (B, C, H', W')
        Shape s = y.getShape();
        return new NDList(y.reshape(s.get(0), s.get(1), s.get(2) * s.get(3)).transpose(0, 2, 1));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookProj);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long tokens = (in.get(2) / patchSize) * (in.get(3) / patchSize);
        return new Shape[] {new Shape(in.get(0), tokens, embedDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        proj.initialize(manager, dataType, inputs);
    }
}
