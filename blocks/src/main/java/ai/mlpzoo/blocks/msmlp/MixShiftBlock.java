package ai.mlpzoo.blocks.msmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.DropPath;
import ai.mlpzoo.blocks.common.Initializers;
import ai.mlpzoo.blocks.common.Shifts;
import java.util.ArrayList;
import java.util.List;

/**
 * MS-MLP's mix-shift block (Zheng et al. 2022, Sec. 3): the channels are cut into {@code
 * shift_size} groups as {@code torch.chunk} cuts them (groups of ceil(C / shift_size), the last one
 * smaller); group i is rolled circularly by {@code shift_dist[i]} along the width and, apart, along
 * the height, each roll is mixed by a depthwise k×k convolution (k = {@code mix_size[i]}, padding k
 * / 2), and the two are added: distant tokens meet through the shift, neighbours through the
 * kernel. Then a channel MLP: LayerNorm (eps 1e-6) → pwconv1 (C → r·C) → GELU → pwconv2, scaled by
 * the layer scale {@code gamma} and added to the input.
 *
 * <p>Children {@code dwconv_lr.i}, {@code dwconv_td.i}, {@code norm}, {@code pwconv1}, {@code
 * pwconv2}; parameter {@code gamma} (C). Shapes: (B, C, H, W) to (B, C, H, W).
 */
public class MixShiftBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dim;
    private final int resolution;
    private final int[] shiftDist;
    private final int[] chunks;
    private final int[] kernels;
    private final float dropPath;
    private final List<Conv2d> lr = new ArrayList<>();
    private final List<Conv2d> td = new ArrayList<>();
    private final ChannelLayerNorm norm;
    private final Linear pwconv1;
    private final Linear pwconv2;
    private final Parameter gamma;

    /**
     * Creates the block; the sizes are checked by {@link MsMlp.Builder}.
     *
     * @param dim channels C
     * @param resolution the square map's edge H = W (the reference's {@code input_resolution}); the
     *     exporter writes each roll for it
     * @param shiftDist the roll distance of each group
     * @param mixSize the depthwise kernel of each group (odd)
     * @param mlpRatio hidden width of the channel MLP as a multiple of C
     * @param dropPath stochastic-depth rate of the residual branch while training
     */
    public MixShiftBlock(
            int dim,
            int resolution,
            int[] shiftDist,
            int[] mixSize,
            double mlpRatio,
            float dropPath) {
        super(VERSION);
        this.dim = dim;
        this.resolution = resolution;
        this.shiftDist = shiftDist.clone();
        this.kernels = mixSize.clone();
        this.chunks = chunkSizes(dim, shiftDist.length);
        this.dropPath = dropPath;
        gamma =
                addParameter(
                        Parameter.builder()
                                .setName("gamma")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(dim))
                                .optInitializer(Initializers.constant(1e-6))
                                .build());
        for (int i = 0; i < chunks.length; i++) {
            lr.add(addChildBlock("dwconv_lr." + i, depthwise(chunks[i], kernels[i])));
        }
        for (int i = 0; i < chunks.length; i++) {
            td.add(addChildBlock("dwconv_td." + i, depthwise(chunks[i], kernels[i])));
        }
        norm = addChildBlock("norm", new ChannelLayerNorm(3, MsPatchEmbed.EPS));
        int hidden = (int) (mlpRatio * dim);
        pwconv1 = addChildBlock("pwconv1", Linear.builder().setUnits(hidden).build());
        pwconv2 = addChildBlock("pwconv2", Linear.builder().setUnits(dim).build());
    }

    private static Conv2d depthwise(int channels, int k) {
        return Conv2d.builder()
                .setKernelShape(new Shape(k, k))
                .optPadding(new Shape(k / 2, k / 2))
                .setFilters(channels)
                .optGroups(channels)
                .build();
    }

    /**
     * The group sizes {@code torch.chunk} gives: ceil(C / n) each, the last the rest.
     *
     * @param dim C
     * @param n the requested number of groups
     * @return the sizes; fewer than n when C does not allow n groups (the builder refuses that)
     */
    public static int[] chunkSizes(int dim, int n) {
        int size = (dim + n - 1) / n;
        List<Integer> out = new ArrayList<>();
        for (int start = 0; start < dim; start += size) {
            out.add(Math.min(size, dim - start));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        long[] ends = new long[chunks.length - 1];
        for (int i = 0, at = 0; i < ends.length; i++) {
            at += chunks[i];
            ends[i] = at;
        }
        NDList xs = ends.length == 0 ? new NDList(x) : x.split(ends, 1); // each (B, c_i, H, W)
        NDList mixedLr = new NDList();
        NDList mixedTd = new NDList();
        for (int i = 0; i < chunks.length; i++) {
            NDArray rolledW = Shifts.roll(xs.get(i), shiftDist[i], 3); // (B, c_i, H, W)
            NDArray rolledH = Shifts.roll(xs.get(i), shiftDist[i], 2); // (B, c_i, H, W)
            mixedLr.add(lr.get(i).forward(ps, new NDList(rolledW), training).head());
            mixedTd.add(td.get(i).forward(ps, new NDList(rolledH), training).head());
        }
        NDArray u = NDArrays.concat(mixedLr, 1).add(NDArrays.concat(mixedTd, 1)); // (B, C, H, W)
        u = u.transpose(0, 2, 3, 1); // (B, H, W, C)
        u = norm.forward(ps, new NDList(u), training).head(); // (B, H, W, C)
        u = pwconv1.forward(ps, new NDList(u), training).head(); // (B, H, W, rC)
        u = Activation.gelu(u); // (B, H, W, rC)
        u = pwconv2.forward(ps, new NDList(u), training).head(); // (B, H, W, C)
        NDArray g = ps.getValue(gamma, u.getDevice(), training); // (C)
        u = u.mul(g).transpose(0, 3, 1, 2); // (B, C, H, W)
        return new NDList(x.add(DropPath.apply(u, dropPath, training))); // (B, C, H, W)
    }

    /**
     * @return the channel group sizes
     */
    public int[] getChunks() {
        return chunks.clone();
    }

    /**
     * @return the square map's edge this block was built for
     */
    public int getResolution() {
        return resolution;
    }

    /**
     * @return the depthwise kernel of each group
     */
    public int[] getKernels() {
        return kernels.clone();
    }

    /**
     * @return the roll distance of each group
     */
    public int[] getShiftDist() {
        return shiftDist.clone();
    }

    /**
     * @return the layer scale parameter
     */
    public Parameter getGamma() {
        return gamma;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0]; // (B, C, H, W)
        for (int i = 0; i < chunks.length; i++) {
            Shape part = new Shape(in.get(0), chunks[i], in.get(2), in.get(3));
            lr.get(i).initialize(manager, dataType, part);
            td.get(i).initialize(manager, dataType, part);
        }
        Shape nhwc = new Shape(in.get(0), in.get(2), in.get(3), dim);
        norm.initialize(manager, dataType, nhwc);
        pwconv1.initialize(manager, dataType, nhwc);
        pwconv2.initialize(manager, dataType, pwconv1.getOutputShapes(new Shape[] {nhwc}));
    }
}
