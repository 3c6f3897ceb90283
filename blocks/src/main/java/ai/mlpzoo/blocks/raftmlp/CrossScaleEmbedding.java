package ai.mlpzoo.blocks.raftmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Unfold;

/**
 * RaftMLP's cross-scale embedding ({@code emb_cross_mlp}, the reference's {@code
 * CrossScaleMLPEmbedding}): for each kernel k, the k×k windows at stride s = min(kernels) with
 * padding (k − s) / 2 ({@code F.unfold}, features (channel, row, column)), concatenated over the
 * kernels in order, then one Linear (child {@code fc}) to D: every token sees its patch and wider
 * windows around it.
 *
 * <p>Shapes: (B, C, H, W) to tokens (B, (H / s)·(W / s), D).
 */
public class CrossScaleEmbedding extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int[] kernels;
    private final int stride;
    private final int dim;
    private final Linear fc;

    private final int inChannels;
    private final int size;

    CrossScaleEmbedding(int[] kernels, int dim, int inChannels, int size) {
        super(VERSION);
        this.inChannels = inChannels;
        this.size = size;
        this.kernels = kernels.clone();
        this.dim = dim;
        int s = Integer.MAX_VALUE;
        for (int k : kernels) {
            s = Math.min(s, k);
        }
        stride = s;
        fc = addChildBlock("fc", Linear.builder().setUnits(dim).build());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDList windows = new NDList();
        for (int k : kernels) {
            windows.add(Unfold.unfold(x, k, stride)); // (B, L, C·k²)
        }
        NDArray all = NDArrays.concat(windows, 2); // (B, L, C·Σk²)
        return fc.forward(ps, new NDList(all), training); // (B, L, D)
    }

    /**
     * @return the window edges, in order
     */
    public int[] getKernels() {
        return kernels.clone();
    }

    /**
     * @return the input channels C
     */
    public int getInChannels() {
        return inChannels;
    }

    /**
     * @return the square input's edge H = W
     */
    public int getSize() {
        return size;
    }

    /**
     * @return the stride, the smallest kernel
     */
    public int getStride() {
        return stride;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        long tokens = (in.get(2) / stride) * (in.get(3) / stride);
        return new Shape[] {new Shape(in.get(0), tokens, dim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        long features = 0;
        for (int k : kernels) {
            features += in.get(1) * k * k;
        }
        long tokens = (in.get(2) / stride) * (in.get(3) / stride);
        fc.initialize(manager, dataType, new Shape(in.get(0), tokens, features));
    }
}
