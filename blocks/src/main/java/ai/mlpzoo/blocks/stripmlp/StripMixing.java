package ai.mlpzoo.blocks.stripmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.Initializers;

/**
 * Strip-MLP's token mixer ({@code smlp_block}, the reference's {@code StripMLP_Block}, Cao et al.
 * 2023, Sec. 3): a 1×1 conv, BatchNorm and GELU, then half the channels go through the strip mixing
 * (the Cascade Group Strip Mixing Module: full-width strips with a 3-row window, then full-height
 * strips with a 3-column window, weights shared per channel group, with relative position
 * embeddings) and the other half through the Local Strip Mixing Module (depthwise (3,7) and (7,3)
 * convolutions, reweighted by a softmax over three branches); a 1×1 conv fuses the halves.
 *
 * <p>Children {@code mlp.0}, {@code mlp.1}, {@code proj_h}, {@code proj_w}, {@code fuse_h}, {@code
 * fuse_w}, {@code BN}, {@code fc_h}, {@code fc_w}, {@code reweight.fc1}, {@code reweight.fc2},
 * {@code fuse}; parameters {@code relate_pos_h.embeddings_table}, {@code
 * relate_pos_w.embeddings_table} ((2H + 1, C / 2)). Shapes: (N, C, H, H) to the same.
 */
public class StripMixing extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int size;
    private final int groups;
    private final Conv2d mlp0;
    private final BatchNorm2d mlp1;
    private final Conv2d projH;
    private final Conv2d projW;
    private final Conv2d fuseH;
    private final Conv2d fuseW;
    private final BatchNorm2d bn;
    private final Conv2d fcH;
    private final Conv2d fcW;
    private final Conv2d reweight1;
    private final Conv2d reweight2;
    private final Conv2d fuse;
    private final Parameter posH;
    private final Parameter posW;
    private final float[] oneHot; // (H·H, 2H + 1), see positionOneHot

    /**
     * Creates the mixer; {@link StripMlp.Builder} checks the sizes.
     *
     * @param channels C (even)
     * @param size the square map's edge H = W
     */
    public StripMixing(int channels, int size) {
        super(VERSION);
        this.channels = channels;
        this.size = size;
        this.groups = groups(channels);
        this.oneHot = positionOneHot(size);
        int half = channels / 2;
        posH = addParameter(table("relate_pos_h.embeddings_table", 2 * size + 1, half));
        posW = addParameter(table("relate_pos_w.embeddings_table", 2 * size + 1, half));
        mlp0 = addChildBlock("mlp.0", conv(channels, 1, 1, 0, 0, 1, true));
        mlp1 = addChildBlock("mlp.1", new BatchNorm2d(channels, 1e-5));
        projH = addChildBlock("proj_h", conv(groups * size, 1, 3, 0, 1, groups, true));
        projW = addChildBlock("proj_w", conv(groups * size, 1, 3, 0, 1, groups, true));
        fuseH = addChildBlock("fuse_h", conv(half, 1, 1, 0, 0, 1, false));
        fuseW = addChildBlock("fuse_w", conv(half, 1, 1, 0, 0, 1, false));
        bn = addChildBlock("BN", new BatchNorm2d(half, 1e-5));
        fcH = addChildBlock("fc_h", conv(half, 3, 7, 1, 3, half, false));
        fcW = addChildBlock("fc_w", conv(half, 7, 3, 3, 1, half, false));
        reweight1 = addChildBlock("reweight.fc1", conv(half / 2, 1, 1, 0, 0, 1, true));
        reweight2 = addChildBlock("reweight.fc2", conv(half * 3, 1, 1, 0, 0, 1, true));
        fuse = addChildBlock("fuse", conv(channels, 1, 1, 0, 0, 1, false));
    }

    /**
     * The strip group width Cg of the reference: int(C · 0.5 / p), p = 2 when C is a multiple of
     * 80, else 4.
     *
     * @param channels C
     * @return Cg
     */
    public static int groups(int channels) {
        int p = channels % 80 == 0 ? 2 : 4;
        return (int) (channels * 0.5 / p);
    }

    static Conv2d conv(int out, int kh, int kw, int ph, int pw, int groups, boolean bias) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kh, kw))
                .optPadding(new Shape(ph, pw))
                .setFilters(out)
                .optGroups(groups)
                .optBias(bias)
                .build();
    }

    private static Parameter table(String name, int rows, int cols) {
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(rows, cols))
                .optInitializer(Initializers.normal(0.02))
                .build();
    }

    /**
     * Where each (i, j) reads the relative-position table: row j − i + H.
     *
     * @param size H
     * @return H·H row indices, row-major over (i, j)
     */
    public static long[] positionRows(int size) {
        long[] rows = new long[size * size];
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                rows[i * size + j] = j - i + size;
            }
        }
        return rows;
    }

    /**
     * The one-hot selection of {@link #positionRows}: row i·H + j has a 1 in column j − i + H.
     *
     * @param size H
     * @return (H·H) × (2H + 1) values, row-major
     */
    static float[] positionOneHot(int size) {
        int cols = 2 * size + 1;
        long[] rows = positionRows(size);
        float[] onehot = new float[rows.length * cols];
        for (int r = 0; r < rows.length; r++) {
            onehot[r * cols + (int) rows[r]] = 1f;
        }
        return onehot;
    }

    private NDArray position(ParameterStore ps, Parameter table, NDArray like, boolean training) {
        NDArray t = ps.getValue(table, like.getDevice(), training); // (2H + 1, C/2)
        // the rows are picked by a one-hot product whose first operand belongs to the step (a
        // gather on the table would attach its result to the table's long-lived manager, one
        // leaked array per call); multiplying by 1 and adding zeros is exact. The one-hot matrix
        // is made once in Java: one native call per use instead of four (PyTorch's one_hot also
        // checks the indices' range with two reductions)
        NDArray onehot =
                like.getManager()
                        .create(oneHot, new Shape((long) size * size, 2L * size + 1))
                        .toType(t.getDataType(), false); // (H·H, 2H + 1)
        return onehot.matMul(t) // (H·H, C/2)
                .reshape(size, size, channels / 2)
                .transpose(2, 0, 1) // (C/2, H, W)
                .expandDims(0); // (1, C/2, H, W)
    }

    private static NDArray run(ParameterStore ps, AbstractBlock b, NDArray x, boolean training) {
        return b.forward(ps, new NDList(x), training).head();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (N, C, H, W)
        long n = x.getShape().get(0);
        int half = channels / 2;
        NDArray u =
                Activation.gelu(
                        run(ps, mlp1, run(ps, mlp0, x, training), training)); // (N, C, H, W)
        NDArray x1 = u.get(new NDIndex(":, 0:{}", half)); // (N, C/2, H, W)
        NDArray x2 = u.get(new NDIndex(":, {}:", half)); // (N, C/2, H, W)
        x1 = strip(ps, x1, training); // (N, C/2, H, W)
        NDArray a = run(ps, fcH, x2, training); // (N, C/2, H, W), the reference's x_w
        NDArray b = run(ps, fcW, x2, training); // (N, C/2, H, W), the reference's x_h
        NDArray pooled =
                b.add(a).add(x2).reshape(n, half, -1).mean(new int[] {2}).reshape(n, half, 1, 1);
        NDArray att = run(ps, reweight1, pooled, training); // (N, C/4, 1, 1)
        att = run(ps, reweight2, Activation.gelu(att), training); // (N, 3C/2, 1, 1)
        att = att.reshape(n, half, 3).softmax(2); // (N, C/2, 3): channel c takes 3c .. 3c + 2
        NDArray w0 = att.get(new NDIndex(":, :, 0")).reshape(n, half, 1, 1);
        NDArray w1 = att.get(new NDIndex(":, :, 1")).reshape(n, half, 1, 1);
        NDArray w2 = att.get(new NDIndex(":, :, 2")).reshape(n, half, 1, 1);
        x2 = b.mul(w0).add(a.mul(w1)).add(x2.mul(w2)); // (N, C/2, H, W)
        return new NDList(run(ps, fuse, x1.concat(x2, 1), training)); // (N, C, H, W)
    }

    /** The Cascade Group Strip Mixing of one half: (N, C', H, W) to the same. */
    private NDArray strip(ParameterStore ps, NDArray x, boolean training) {
        long n = x.getShape().get(0);
        int half = channels / 2;
        long c1 = half / groups;
        long cg = groups;
        long h = size;
        NDArray xh = x.add(position(ps, posH, x, training)); // (N, C', H, W)
        // channel c = c1·Cg + g; columns of each group become conv channels g·W + w
        xh =
                xh.reshape(n, c1, cg, h, h) // (N, C1, Cg, H, W)
                        .transpose(0, 2, 4, 1, 3) // (N, Cg, W, C1, H)
                        .reshape(n, cg * h, c1, h); // (N, Cg·W, C1, H)
        xh = run(ps, projH, xh, training); // (N, Cg·W, C1, H): mixes W, a 3-row window over H
        xh =
                xh.reshape(n, cg, h, c1, h) // (N, Cg, W, C1, H)
                        .transpose(0, 3, 1, 4, 2) // (N, C1, Cg, H, W)
                        .reshape(n, half, h, h); // (N, C', H, W)
        xh = run(ps, fuseH, xh.concat(x, 1), training); // (N, C', H, W)
        xh = Activation.gelu(run(ps, bn, xh, training)).add(position(ps, posW, x, training));
        // rows of each group become conv channels g·H + h
        NDArray xw =
                xh.reshape(n, c1, cg * h, h) // (N, C1, Cg·H, W)
                        .transpose(0, 2, 1, 3); // (N, Cg·H, C1, W)
        xw = run(ps, projW, xw, training); // (N, Cg·H, C1, W): mixes H, a 3-column window over W
        xw = xw.transpose(0, 2, 1, 3).reshape(n, half, h, h); // (N, C', H, W)
        return run(ps, fuseW, x.concat(xw, 1), training); // (N, C', H, W)
    }

    /**
     * @return C
     */
    public int getChannels() {
        return channels;
    }

    /**
     * @return the square map's edge H
     */
    public int getSize() {
        return size;
    }

    /**
     * @return the strip group width Cg
     */
    public int getGroups() {
        return groups;
    }

    /**
     * @return the two relative-position tables (h, w)
     */
    public Parameter[] getPositionTables() {
        return new Parameter[] {posH, posW};
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        long n = inputs[0].get(0);
        long h = size;
        int half = channels / 2;
        long c1 = half / groups;
        Shape full = new Shape(n, channels, h, h);
        Shape halfMap = new Shape(n, half, h, h);
        Shape doubleHalf = new Shape(n, channels, h, h);
        mlp0.initialize(manager, dataType, full);
        mlp1.initialize(manager, dataType, full);
        projH.initialize(manager, dataType, new Shape(n, (long) groups * h, c1, h));
        projW.initialize(manager, dataType, new Shape(n, (long) groups * h, c1, h));
        fuseH.initialize(manager, dataType, doubleHalf);
        fuseW.initialize(manager, dataType, doubleHalf);
        bn.initialize(manager, dataType, halfMap);
        fcH.initialize(manager, dataType, halfMap);
        fcW.initialize(manager, dataType, halfMap);
        reweight1.initialize(manager, dataType, new Shape(n, half, 1, 1));
        reweight2.initialize(manager, dataType, new Shape(n, half / 2, 1, 1));
        fuse.initialize(manager, dataType, full);
    }
}
