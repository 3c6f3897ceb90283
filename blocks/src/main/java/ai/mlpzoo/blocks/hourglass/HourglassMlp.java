package ai.mlpzoo.blocks.hourglass;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The Hourglass MLP of "Rethinking the shape convention of an MLP" (Chen, Lee, Liao and Shiu 2025,
 * arXiv:2510.01796), and the conventional residual MLP it is compared with, under one API:
 *
 * <pre>
 *   z_0     = W_in x                              (d_x to d_z; fixed random in the paper)
 *   z_{i+1} = z_i + W_2^i σ(W_1^i norm(z_i))      (i = 0 … L-1; W_1^i: d_z to d_h)
 *   y       = W_out norm(z_L)                     (d_z to d_y)
 * </pre>
 *
 * <ul>
 *   <li>{@link BlockShape#HOURGLASS}: wide-narrow-wide blocks, d_h &lt; d_z: the skip connections
 *       live in the expanded space, the residual computation passes through a narrow bottleneck;
 *       the input is lifted to d_z by W_in, fixed at its random initialisation by default.
 *   <li>{@link BlockShape#CONVENTIONAL}: narrow-wide-narrow blocks, d_h &gt; d_z, with the skip at
 *       the input width (no projection, d_z = d_x) as the paper's baseline, or after a learned one.
 * </ul>
 *
 * <p>The paper publishes no code and leaves these open; the choices here (docs/vision.md lists
 * them): σ is GELU (ReLU selectable); norm is a pre-norm LayerNorm (eps 1e-5) in each block plus a
 * final one before W_out, or none at all; every Linear in the blocks and W_out has a bias, W_in has
 * none; W_in has N(0, 1/d_x) entries drawn from a seed in Java ({@link RandomProjection}); the
 * blocks' Linears keep DJL's default initialisation (Xavier uniform, zero bias).
 *
 * <p>The model sees flat pixels: (batch, d_x), or an image batch whose non-batch sizes multiply to
 * d_x, flattened in C, H, W order.
 *
 * <p>Children, in file order: {@code input_projection} (absent with no projection), {@code blocks.0
 * … blocks.(L-1)}, {@code head}.
 *
 * <p>Outputs: {@code output} (batch, d_y) and {@code pre_logits} (batch, d_z), the normalised last
 * stream.
 */
public class HourglassMlp extends AbstractBlock implements InputContract {

    private static final byte VERSION = 1;

    /** Which way round the blocks are. */
    public enum BlockShape {
        /** Wide-narrow-wide, d_h &lt; d_z (the paper's Hourglass). */
        HOURGLASS,
        /** Narrow-wide-narrow, d_h &gt; d_z (the conventional MLP). */
        CONVENTIONAL;

        /**
         * @return the config spelling, lower case
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How the input reaches the d_z-wide stream. */
    public enum InputProjection {
        /** A random W_in fixed at its initialisation (the paper's proposal). */
        FIXED,
        /** A random W_in trained with the rest (the paper's ablation). */
        LEARNED,
        /** No projection: the stream starts at the input itself, so d_z = d_x. */
        NONE;

        /**
         * @return the config spelling, lower case
         */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final int dx;
    private final int dz;
    private final int dh;
    private final int dy;
    private final BlockShape shape;
    private final InputProjection projection;
    private final RandomProjection inputProjection;
    private final List<ResidualMlpBlock> blocks = new ArrayList<>();
    private final ClassifierHead head;

    /**
     * Creates the network.
     *
     * @param dx the input width (the paper's d_x; 784 for flat 28x28 pixels)
     * @param dz the skip (residual stream) width, d_z
     * @param dh each block's hidden width, d_h: the bottleneck of an hourglass block, the expansion
     *     of a conventional one
     * @param depth the number of blocks, the paper's L
     * @param dy the number of classes, d_y
     * @param shape hourglass (d_h &lt; d_z) or conventional (d_h &gt; d_z)
     * @param projection how the input is lifted to d_z
     * @param seed the seed of the random W_in
     * @param layerNorm whether the blocks and the head pre-normalise with a LayerNorm
     * @param act the blocks' non-linearity
     * @throws IllegalArgumentException naming the field of an impossible combination
     */
    public HourglassMlp(
            int dx,
            int dz,
            int dh,
            int depth,
            int dy,
            BlockShape shape,
            InputProjection projection,
            long seed,
            boolean layerNorm,
            ResidualMlpBlock.Act act) {
        super(VERSION);
        this.dx = Checks.positive(dx, "d_x");
        this.dz = Checks.positive(dz, "d_z");
        this.dh = Checks.positive(dh, "d_h");
        this.dy = Checks.positive(dy, "d_y");
        if (depth < 1) {
            throw new IllegalArgumentException(
                    Checks.field("L") + " (the number of blocks) must be at least 1, got " + depth);
        }
        this.shape = shape;
        this.projection = projection;
        if (shape == BlockShape.HOURGLASS && dh >= dz) {
            throw new IllegalArgumentException(
                    Checks.field("d_h")
                            + ": the bottleneck (d_h "
                            + dh
                            + ") is not narrower than its block (d_z "
                            + dz
                            + "); an hourglass block is wide-narrow-wide, d_h < d_z"
                            + " (block_shape \"conventional\" is the narrow-wide-narrow MLP)");
        }
        if (shape == BlockShape.CONVENTIONAL && dh <= dz) {
            throw new IllegalArgumentException(
                    Checks.field("d_h")
                            + ": the hidden width (d_h "
                            + dh
                            + ") is not wider than the skip (d_z "
                            + dz
                            + "); a conventional block is narrow-wide-narrow, d_h > d_z"
                            + " (block_shape \"hourglass\" is the wide-narrow-wide MLP)");
        }
        if (projection == InputProjection.NONE && dz != dx) {
            throw new IllegalArgumentException(
                    Checks.field("d_z")
                            + " ("
                            + dz
                            + ") must equal d_x ("
                            + dx
                            + ") with input_projection \"none\": without a projection the skip"
                            + " runs at the input's width");
        }
        inputProjection =
                projection == InputProjection.NONE
                        ? null
                        : addChildBlock(
                                "input_projection",
                                new RandomProjection(
                                        dx, dz, seed, projection == InputProjection.LEARNED));
        for (int i = 0; i < depth; i++) {
            blocks.add(addChildBlock("blocks." + i, new ResidualMlpBlock(dz, dh, layerNorm, act)));
        }
        head = addChildBlock("head", new ClassifierHead(dz, dy, layerNorm));
    }

    /**
     * @return the input width d_x
     */
    public int dx() {
        return dx;
    }

    /**
     * @return the skip width d_z
     */
    public int dz() {
        return dz;
    }

    /**
     * @return the blocks' hidden width d_h
     */
    public int dh() {
        return dh;
    }

    /**
     * @return the number of classes d_y
     */
    public int dy() {
        return dy;
    }

    /**
     * @return the number of blocks L
     */
    public int depth() {
        return blocks.size();
    }

    /**
     * @return hourglass or conventional
     */
    public BlockShape shape() {
        return shape;
    }

    /**
     * @return how the input is lifted
     */
    public InputProjection projection() {
        return projection;
    }

    /**
     * @return the input projection W_in, or null with none
     */
    public RandomProjection inputProjection() {
        return inputProjection;
    }

    /**
     * @return the residual blocks, in order
     */
    public List<ResidualMlpBlock> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    /**
     * @return the classifier head W_out
     */
    public ClassifierHead head() {
        return head;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, d_x) or (B, C, H, W)
        if (x.getShape().dimension() != 2) {
            x = x.reshape(x.getShape().get(0), -1); // (B, C*H*W = d_x), C, H, W order
        }
        NDList z =
                inputProjection == null
                        ? new NDList(x) // (B, d_z = d_x)
                        : inputProjection.forward(ps, new NDList(x), training); // (B, d_z)
        for (ResidualMlpBlock block : blocks) {
            z = block.forward(ps, z, training); // (B, d_z)
        }
        NDList out = head.forward(ps, z, training); // (B, d_y), (B, d_z)
        out.get(0).setName("output");
        out.get(1).setName("pre_logits");
        return out;
    }

    /**
     * Checks a batch: (batch, d_x), or an image batch whose non-batch sizes multiply to d_x, and no
     * NaN or infinity.
     *
     * @param input the input
     * @throws IllegalArgumentException naming the width the model takes
     */
    @Override
    public void checkInput(NDArray input) {
        Shape s = input.getShape();
        if (s.dimension() < 2 || s.get(0) == 0 || s.size() / Math.max(1, s.get(0)) != dx) {
            throw new IllegalArgumentException(
                    "HourglassMlp input must be (batch, "
                            + dx
                            + ") flat pixels in C, H, W order, or images whose C*H*W is "
                            + dx
                            + ", got "
                            + s);
        }
        Checks.requireFinite(input, "HourglassMlp input");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long b = inputShapes[0].get(0);
        return new Shape[] {new Shape(b, dy), new Shape(b, dz)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long b = inputs[0].get(0);
        if (inputProjection != null) {
            inputProjection.initialize(manager, dataType, new Shape(b, dx));
        }
        Shape stream = new Shape(b, dz);
        for (ResidualMlpBlock block : blocks) {
            block.initialize(manager, dataType, stream);
        }
        head.initialize(manager, dataType, stream);
    }
}
