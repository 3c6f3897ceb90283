package ai.mlpzoo.blocks.stripmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.DropPath;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * One Strip-MLP block (the reference's {@code BasicBlock}): {@code x + token_mixing(x)}, then
 * {@code x + channel_mixing(x)}. Token mixing: BatchNorm, GELU, a depthwise 3×3 convolution ({@code
 * token_mixing.dwsc.conv_merge.{BN,Conv}}), then {@link StripMixing} ({@code
 * token_mixing.smlp_block}). Channel mixing: a depthwise 7×7 convolution ({@code conv_77}), then
 * per pixel LayerNorm (eps 1e-5), Linear C → 3C, GELU, GRN (global response normalisation, {@code
 * grn.gamma}, {@code grn.beta}), Linear 3C → C. The reference's stochastic depth is a hard-coded
 * 0.1, training only.
 *
 * <p>Shapes: (N, C, H, H) to the same.
 */
public class StripBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The reference's hard-coded stochastic-depth rate. */
    public static final float DROP_PATH = 0.1f;

    private final int channels;
    private final int size;
    private final BatchNorm2d dwBn;
    private final Conv2d dwConv;
    private final StripMixing smlp;
    private final Conv2d conv77;
    private final ChannelLayerNorm layerNorm;
    private final Linear fc1;
    private final Linear fc2;
    private final Parameter grnGamma;
    private final Parameter grnBeta;

    StripBlock(int channels, int size) {
        super(VERSION);
        this.channels = channels;
        this.size = size;
        Shape grn = new Shape(1, 1, 1, 3L * channels);
        grnGamma = addParameter(grnParam("channel_mixing.grn.gamma", grn));
        grnBeta = addParameter(grnParam("channel_mixing.grn.beta", grn));
        dwBn = addChildBlock("token_mixing.dwsc.conv_merge.BN", new BatchNorm2d(channels, 1e-5));
        dwConv =
                addChildBlock(
                        "token_mixing.dwsc.conv_merge.Conv",
                        StripMixing.conv(channels, 3, 3, 1, 1, channels, false));
        smlp = addChildBlock("token_mixing.smlp_block", new StripMixing(channels, size));
        conv77 =
                addChildBlock(
                        "channel_mixing.conv_77",
                        StripMixing.conv(channels, 7, 7, 3, 3, channels, false));
        layerNorm = addChildBlock("channel_mixing.layer_norm", new ChannelLayerNorm(3, 1e-5));
        fc1 = addChildBlock("channel_mixing.fc1", Linear.builder().setUnits(3L * channels).build());
        fc2 = addChildBlock("channel_mixing.fc2", Linear.builder().setUnits(channels).build());
    }

    private static Parameter grnParam(String name, Shape shape) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(shape)
                .optInitializer(Initializer.ZEROS)
                .build();
    }

    private static NDArray run(ParameterStore ps, AbstractBlock b, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).head();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (N, C, H, W)
        NDArray t = Activation.gelu(run(ps, dwBn, x, training)); // (N, C, H, W)
        t = run(ps, smlp, run(ps, dwConv, t, training), training); // (N, C, H, W)
        x = x.add(DropPath.apply(t, DROP_PATH, training)); // (N, C, H, W)
        NDArray c = run(ps, conv77, x, training).transpose(0, 2, 3, 1); // (N, H, W, C)
        c = run(ps, fc1, run(ps, layerNorm, c, training), training); // (N, H, W, 3C)
        c = grn(ps, Activation.gelu(c), training); // (N, H, W, 3C)
        c = run(ps, fc2, c, training).transpose(0, 3, 1, 2); // (N, C, H, W)
        return new NDList(x.add(DropPath.apply(c, DROP_PATH, training))); // (N, C, H, W)
    }

    /** GRN: u + gamma · u · G / (mean_channels(G) + 1e-6), G = ‖u‖₂ over (H, W). */
    private NDArray grn(ParameterStore ps, NDArray u, boolean training) {
        NDArray g = spatialNorm(u); // (N, 1, 1, 3C)
        NDArray nx = g.div(g.mean(new int[] {3}, true).add(1e-6f)); // (N, 1, 1, 3C)
        NDArray gamma = ps.getValue(grnGamma, u.getDevice(), training); // (1, 1, 1, 3C)
        NDArray beta = ps.getValue(grnBeta, u.getDevice(), training); // (1, 1, 1, 3C)
        // the activation comes first: DJL attaches a result to its first operand's manager, and
        // a parameter first would keep every step's result, and the graph behind it, alive
        return u.mul(nx).mul(gamma).add(beta).add(u); // (N, H, W, 3C)
    }

    /**
     * G = ‖u‖₂ over (H, W) with the reference's gradient where G is 0. As sqrt(Σ u²) the gradient
     * there is 0 · ∞ = NaN, and Σ u² underflows to 0 for any u below about 1e-23: at the last stage
     * of a 28 x 28 model (1 x 1 maps, so G = |u|) a GELU output that small turned up in the first
     * batch of Fashion-MNIST training and made every earlier gradient NaN. PyTorch's {@code
     * torch.norm} backward is 0 where the norm is 0; flooring Σ u² at the smallest normal float
     * does the same (the floor's gradient is 0 below it) and moves G by at most 1.1e-19.
     *
     * @param u (N, H, W, F)
     * @return (N, 1, 1, F)
     */
    static NDArray spatialNorm(NDArray u) {
        long n = u.getShape().get(0);
        long f = u.getShape().get(3);
        NDArray sumSq = u.reshape(n, -1, f).square().sum(new int[] {1}, true); // (N, 1, F)
        return Scalars.maximum(sumSq, Float.MIN_NORMAL).sqrt().reshape(n, 1, 1, f);
    }

    /**
     * @return C
     */
    public int getChannels() {
        return channels;
    }

    /**
     * @return the GRN parameters (gamma, beta)
     */
    public Parameter[] getGrn() {
        return new Parameter[] {grnGamma, grnBeta};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        dwBn.initialize(manager, dataType, in);
        dwConv.initialize(manager, dataType, in);
        smlp.initialize(manager, dataType, in);
        conv77.initialize(manager, dataType, in);
        Shape nhwc = new Shape(in.get(0), size, size, channels);
        layerNorm.initialize(manager, dataType, nhwc);
        fc1.initialize(manager, dataType, nhwc);
        fc2.initialize(manager, dataType, new Shape(in.get(0), size, size, 3L * channels));
    }
}
