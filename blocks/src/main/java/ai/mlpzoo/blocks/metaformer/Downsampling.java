package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Initializers;

/**
 * A strided convolution with an optional norm, timm's MetaFormer {@code Stem} (conv 7x7 stride 4
 * padding 2, then the norm) and {@code Downsampling} (the norm, then conv 3x3 stride 2 padding 1).
 * Children {@code conv} and {@code norm} (when there is one) in that order of application, as timm;
 * the convolution has a bias, weight N(0, 0.02), bias 0.
 *
 * <p>Shapes: (batch, in, H, W) to (batch, out, (H + 2p - k) / s + 1, (W + 2p - k) / s + 1).
 */
public class Downsampling extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Conv2d conv;
    private final Block norm;
    private final boolean normFirst;
    private final int inChannels;
    private final int outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;

    /**
     * Creates the layer.
     *
     * @param inChannels input channels (the norm before the conv works on them)
     * @param outChannels output channels
     * @param kernel the kernel edge
     * @param stride the stride
     * @param padding the zero padding on each side
     * @param norm the norm's type, or null for none
     * @param normFirst true for timm's Downsampling (norm, conv), false for its Stem (conv, norm)
     */
    public Downsampling(
            int inChannels,
            int outChannels,
            int kernel,
            int stride,
            int padding,
            NormType norm,
            boolean normFirst) {
        super(VERSION);
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.normFirst = normFirst;
        Conv2d c =
                Conv2d.builder()
                        .setKernelShape(new Shape(kernel, kernel))
                        .optStride(new Shape(stride, stride))
                        .optPadding(new Shape(padding, padding))
                        .setFilters(outChannels)
                        .build();
        c.setInitializer(Initializers.normal(0.02), Parameter.Type.WEIGHT);
        c.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        if (normFirst && norm != null) {
            this.norm = addChildBlock("norm", norm.create(inChannels));
            this.conv = addChildBlock("conv", c);
        } else {
            this.conv = addChildBlock("conv", c);
            this.norm = norm == null ? null : addChildBlock("norm", norm.create(outChannels));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, in, H, W)
        if (norm != null && normFirst) {
            x = norm.forward(ps, new NDList(x), training).head();
        }
        x = conv.forward(ps, new NDList(x), training).head(); // (B, out, H', W')
        if (norm != null && !normFirst) {
            x = norm.forward(ps, new NDList(x), training).head();
        }
        return new NDList(x);
    }

    /**
     * @return true when the norm comes before the convolution
     */
    public boolean isNormFirst() {
        return normFirst;
    }

    /**
     * The output edge for an input edge.
     *
     * @param size the input edge
     * @return (size + 2 padding - kernel) / stride + 1, floored as the convolution does
     */
    public long outputSize(long size) {
        return Math.floorDiv(size + 2L * padding - kernel, stride) + 1;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(in.get(0), outChannels, outputSize(in.get(2)), outputSize(in.get(3)))
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        conv.initialize(manager, dataType, in);
        if (norm != null) {
            norm.initialize(manager, dataType, normFirst ? in : getOutputShapes(inputs)[0]);
        }
    }
}
