package ai.mlpzoo.blocks.scalingmlp;

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
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The residual bottleneck MLP of "Scaling MLPs: A Tale of Inductive Bias" (Bachmann, Anagnostidis
 * and Hofmann, NeurIPS 2023), as the reference's {@code BottleneckMLP}
 * (github.com/gregorbachmann/scaling_mlps, {@code models/networks.py}): {@code x = linear_in(x)};
 * per block {@code x = x + blocks.i(layernorms.i(x))}; {@code output = linear_out(x)}. No final
 * norm: {@code pre_logits} is the last block's residual stream.
 *
 * <p>The model sees flat pixels: its input is the normalised image batch flattened in (C, H, W)
 * order, (batch, dim_in), as the reference's {@code train.py} does. An image batch (batch, C, H, W)
 * with C·H·W = dim_in is flattened the same way, so a Fashion-MNIST image works as it is.
 *
 * <p>Children, in file order: {@code linear_in}, {@code blocks.0 … blocks.(n-1)}, {@code
 * layernorms.0 …} (absent with norm "none"), {@code linear_out}: the reference's state-dict names.
 *
 * <p>Outputs: {@code output} (batch, dim_out) and {@code pre_logits} (batch, thin).
 */
public class BottleneckMlp extends AbstractBlock implements InputContract {

    private static final byte VERSION = 1;

    /** The norm before each block, the reference's {@code norm} argument. */
    public enum Norm {
        /** {@code nn.LayerNorm(thin)}, eps 1e-5 (the paper's choice). */
        LAYER,
        /** No norm. */
        NONE
    }

    private final int dimIn;
    private final int dimOut;
    private final int thin;
    private final Norm norm;
    private final Linear linearIn;
    private final List<BottleneckBlock> blocks = new ArrayList<>();
    private final List<ChannelLayerNorm> norms = new ArrayList<>();
    private final Linear linearOut;

    /**
     * Creates the network.
     *
     * @param dimIn the flattened input width (C·H·W)
     * @param dimOut the number of classes
     * @param blockDims {@code [wide, thin]} per block, as the reference's {@code block_dims}; every
     *     thin must be equal (the residual stream) and no thin may exceed its wide
     * @param norm the norm before each block
     * @throws IllegalArgumentException naming the field when a dimension is impossible
     */
    public BottleneckMlp(int dimIn, int dimOut, int[][] blockDims, Norm norm) {
        super(VERSION);
        this.dimIn = Checks.positive(dimIn, "dim_in");
        this.dimOut = Checks.positive(dimOut, "dim_out");
        if (blockDims == null || blockDims.length == 0) {
            throw new IllegalArgumentException(
                    Checks.field("block_dims") + " must list at least one [wide, thin] block");
        }
        this.norm = norm;
        int first = -1;
        for (int i = 0; i < blockDims.length; i++) {
            String field = "block_dims[" + i + "]";
            if (blockDims[i] == null || blockDims[i].length != 2) {
                throw new IllegalArgumentException(
                        Checks.field(field) + " must be a pair [wide, thin]");
            }
            int wide = Checks.positive(blockDims[i][0], field + "[0] (wide)");
            int t = Checks.positive(blockDims[i][1], field + "[1] (thin)");
            if (t > wide) {
                throw new IllegalArgumentException(
                        Checks.field(field)
                                + ": the bottleneck (thin "
                                + t
                                + ") is wider than its block (wide "
                                + wide
                                + "); a block is [wide, thin] with thin <= wide");
            }
            if (first < 0) {
                first = t;
            } else if (t != first) {
                throw new IllegalArgumentException(
                        Checks.field(field)
                                + ": thin "
                                + t
                                + " differs from block 0's "
                                + first
                                + "; the residual stream has one width");
            }
        }
        this.thin = first;
        linearIn = addChildBlock("linear_in", Linear.builder().setUnits(thin).build());
        for (int i = 0; i < blockDims.length; i++) {
            blocks.add(addChildBlock("blocks." + i, new BottleneckBlock(thin, blockDims[i][0])));
        }
        if (norm == Norm.LAYER) {
            for (int i = 0; i < blockDims.length; i++) {
                norms.add(addChildBlock("layernorms." + i, new ChannelLayerNorm(1, 1e-5)));
            }
        }
        linearOut = addChildBlock("linear_out", Linear.builder().setUnits(dimOut).build());
    }

    /**
     * @return the flattened input width
     */
    public int dimIn() {
        return dimIn;
    }

    /**
     * @return the residual width
     */
    public int thin() {
        return thin;
    }

    /**
     * @return the norm before each block
     */
    public Norm norm() {
        return norm;
    }

    /**
     * @return the blocks' residual branches, in order
     */
    public List<BottleneckBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /**
     * @return the norms before the blocks (empty with norm "none")
     */
    public List<? extends Block> norms() {
        return Collections.unmodifiableList(norms);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, dim_in) or (B, C, H, W)
        if (x.getShape().dimension() != 2) {
            x = x.reshape(x.getShape().get(0), -1); // (B, C*H*W), C, H, W order as train.py
        }
        x = linearIn.forward(ps, new NDList(x), training).head(); // (B, thin)
        for (int i = 0; i < blocks.size(); i++) {
            NDArray u =
                    norms.isEmpty()
                            ? x
                            : norms.get(i).forward(ps, new NDList(x), training).head(); // (B, thin)
            x = x.add(blocks.get(i).forward(ps, new NDList(u), training).head()); // (B, thin)
        }
        NDArray logits = linearOut.forward(ps, new NDList(x), training).head(); // (B, dim_out)
        logits.setName("output");
        x.setName("pre_logits");
        return new NDList(logits, x);
    }

    /**
     * Checks a batch: (batch, dim_in), or an image batch whose non-batch sizes multiply to dim_in,
     * and no NaN or infinity.
     *
     * @param input the input
     * @throws IllegalArgumentException naming the width the model takes
     */
    @Override
    public void checkInput(NDArray input) {
        Shape s = input.getShape();
        if (s.dimension() < 2 || s.size() / Math.max(1, s.get(0)) != dimIn || s.get(0) == 0) {
            throw new IllegalArgumentException(
                    "BottleneckMlp input must be (batch, "
                            + dimIn
                            + ") flat pixels in C, H, W order, or images whose C*H*W is "
                            + dimIn
                            + ", got "
                            + s);
        }
        Checks.requireFinite(input, "BottleneckMlp input");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, dimOut), new Shape(b, thin)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        Shape stream = new Shape(b, thin);
        linearIn.initialize(manager, dataType, new Shape(b, dimIn));
        for (BottleneckBlock block : blocks) {
            block.initialize(manager, dataType, stream);
        }
        for (ChannelLayerNorm n : norms) {
            n.initialize(manager, dataType, stream);
        }
        linearOut.initialize(manager, dataType, stream);
    }
}
