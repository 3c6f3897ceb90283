package ai.mlpzoo.blocks.hourglass;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.common.Checks;

/**
 * One residual MLP block, {@code z + fc2(act(fc1(norm(z))))} with fc1 (d_z to d_h) and fc2 (d_h to
 * d_z), the block of equation form {@code z_{i+1} = z_i + W_2 σ(W_1 norm(z_i))} in Chen et al. 2025
 * ("Rethinking the shape convention of an MLP", arXiv:2510.01796, section 2). Its shape is set by
 * the widths alone:
 *
 * <ul>
 *   <li>hourglass, wide-narrow-wide (d_h &lt; d_z): the skip connects two wide endpoints, the
 *       residual computation passes through a narrow bottleneck (the paper's proposal);
 *   <li>conventional, narrow-wide-narrow (d_h &gt; d_z): the skip runs at the narrow width, the
 *       computation expands (the convention the paper questions).
 * </ul>
 *
 * The norm is a pre-norm on the skip stream (the paper's {@code norm(z_i)}), LayerNorm with eps
 * 1e-5, or none.
 *
 * <p>Children, in file order: {@code norm} (absent without a norm), {@code fc1}, {@code fc2}.
 *
 * <p>Shapes: (batch, d_z) to (batch, d_z).
 */
public class ResidualMlpBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The element-wise non-linearity σ of the block (the paper leaves it open). */
    public enum Act {
        /** GELU, exact erf form (PyTorch's nn.GELU()). */
        GELU,
        /** ReLU. */
        RELU
    }

    private final int dz;
    private final int dh;
    private final Act act;
    private final ChannelLayerNorm norm;
    private final Linear fc1;
    private final Linear fc2;

    /**
     * Creates the block.
     *
     * @param dz the skip (residual stream) width, the paper's d_z (d_x in a conventional MLP)
     * @param dh the block's hidden width, the paper's d_h
     * @param layerNorm whether the block pre-normalises its input with a LayerNorm
     * @param act the non-linearity
     */
    public ResidualMlpBlock(int dz, int dh, boolean layerNorm, Act act) {
        super(VERSION);
        this.dz = Checks.positive(dz, "d_z");
        this.dh = Checks.positive(dh, "d_h");
        this.act = act;
        norm = layerNorm ? addChildBlock("norm", new ChannelLayerNorm(1, 1e-5)) : null;
        fc1 = addChildBlock("fc1", Linear.builder().setUnits(dh).build());
        fc2 = addChildBlock("fc2", Linear.builder().setUnits(dz).build());
    }

    /**
     * @return the skip width d_z
     */
    public int dz() {
        return dz;
    }

    /**
     * @return the hidden width d_h
     */
    public int dh() {
        return dh;
    }

    /**
     * @return the non-linearity
     */
    public Act act() {
        return act;
    }

    /**
     * @return whether the block pre-normalises with a LayerNorm
     */
    public boolean hasNorm() {
        return norm != null;
    }

    /**
     * @return true for a wide-narrow-wide block (d_h &lt; d_z)
     */
    public boolean isHourglass() {
        return dh < dz;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray z = inputs.head(); // (B, d_z)
        NDList u = norm == null ? inputs : norm.forward(ps, inputs, training); // (B, d_z)
        NDArray h = fc1.forward(ps, u, training).head(); // (B, d_h)
        h = act == Act.GELU ? Activation.gelu(h) : Activation.relu(h); // (B, d_h)
        NDArray r = fc2.forward(ps, new NDList(h), training).head(); // (B, d_z)
        return new NDList(z.add(r)); // (B, d_z): the skip adds at the block's outer width
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dz)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        if (norm != null) {
            norm.initialize(manager, dataType, new Shape(b, dz));
        }
        fc1.initialize(manager, dataType, new Shape(b, dz));
        fc2.initialize(manager, dataType, new Shape(b, dh));
    }
}
