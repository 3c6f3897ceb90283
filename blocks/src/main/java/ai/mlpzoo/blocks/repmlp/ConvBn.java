package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.BatchNorm2d;

/**
 * The reference's {@code conv_bn} / {@code conv_bn_relu}: a convolution without bias, a {@code
 * BatchNorm2d} (eps 1e-5), and optionally a ReLU. It is RepMLPNet's stem (kernel = stride = patch),
 * its downsampling (2×2, stride 2), the FFN's 1×1 layers and the RepMLP block's depthwise
 * convolution branches ({@code repconv{k}}, groups = sharesets). Children {@code conv}, {@code bn}.
 *
 * <p>Shapes: (B, Cin, H, W) to (B, Cout, H', W'), H' = (H + 2·pad − k) / stride + 1.
 */
public class ConvBn extends AbstractBlock {

    private static final byte VERSION = 1;

    /** PyTorch's BatchNorm epsilon, which the reference keeps. */
    public static final double EPS = 1e-5;

    private final Conv2d conv;
    private final BatchNorm2d bn;
    private final boolean relu;
    private final int outChannels;
    private final Shape kernel;
    private final Shape stride;
    private final Shape padding;
    private final int groups;

    /**
     * Creates the layer.
     *
     * @param outChannels output channels
     * @param kernel the kernel (kh, kw)
     * @param stride the stride (sh, sw)
     * @param padding the zero padding (ph, pw)
     * @param groups the convolution's groups
     * @param relu whether a ReLU follows the norm ({@code conv_bn_relu})
     */
    public ConvBn(
            int outChannels, Shape kernel, Shape stride, Shape padding, int groups, boolean relu) {
        super(VERSION);
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.groups = groups;
        this.relu = relu;
        conv =
                addChildBlock(
                        "conv",
                        Conv2d.builder()
                                .setKernelShape(kernel)
                                .optStride(stride)
                                .optPadding(padding)
                                .optGroups(groups)
                                .setFilters(outChannels)
                                .optBias(false)
                                .build());
        bn = addChildBlock("bn", new BatchNorm2d(outChannels, EPS));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray y = conv.forward(ps, inputs, training).head(); // (B, Cout, H', W')
        y = bn.forward(ps, new NDList(y), training).head(); // (B, Cout, H', W')
        return new NDList(relu ? Activation.relu(y) : y); // (B, Cout, H', W')
    }

    /**
     * @return the convolution (no bias)
     */
    public Conv2d getConv() {
        return conv;
    }

    /**
     * @return the norm
     */
    public BatchNorm2d getBn() {
        return bn;
    }

    /**
     * @return whether a ReLU follows the norm
     */
    public boolean hasRelu() {
        return relu;
    }

    /**
     * @return the kernel (kh, kw)
     */
    public Shape getKernel() {
        return kernel;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long h = (in.get(2) + 2 * padding.get(0) - kernel.get(0)) / stride.get(0) + 1;
        long w = (in.get(3) + 2 * padding.get(1) - kernel.get(1)) / stride.get(1) + 1;
        return new Shape[] {new Shape(in.get(0), outChannels, h, w)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        conv.initialize(manager, dataType, inputs[0]);
        bn.initialize(manager, dataType, getOutputShapes(inputs)[0]);
    }

    /**
     * @return the convolution's groups
     */
    public int getGroups() {
        return groups;
    }
}
