package ai.mlpzoo.blocks.repmlp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.BatchNorm2d;
import ai.mlpzoo.blocks.common.StepLocal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RepMLP block (Ding et al. 2022, "RepMLPNet: Hierarchical Vision MLP with Re-parameterized
 * Locality", section 3; the reference's {@code RepMLPBlock}). The map (B, C, H, W) is cut into
 * hp×wp partitions of h×w pixels; every partition's channels, taken S at a time (S = sharesets), go
 * through a grouped FC ({@code fc3}: one h·w → h·w matrix per shareset, shared by every partition
 * and channel group) followed by a BatchNorm over the S channels ({@code fc3_bn}); in the training
 * structure depthwise convolutions of the same S-channel partitions ({@code repconv{k}}, k×k,
 * groups = S, each with its BatchNorm) add the local prior. The result is gated per channel by the
 * {@link GlobalPerceptron} ({@code gp}).
 *
 * <p>Partition order. The results come back through the reference's reshape {@code (−1, hp, wp, S,
 * h, w)} of rows ordered (batch, i, j, channel group). When hp·wp = 1 or C = S that puts each
 * result back where it came from; otherwise (several partitions and more channels than sharesets)
 * the rows are re-read as (batch · C / S, i, j) and results land in other partitions and channels.
 * This block does that literal computation, so that imported checkpoints agree with the reference's
 * outputs; the official configurations never reach the case (their h, w equal the feature size at
 * their input size).
 *
 * <p>Deploy structure ({@code deploy = true}): {@code fc3} has a bias and there is neither {@code
 * fc3_bn} nor any {@code repconv{k}}; {@link #equivalentFc3()} computes its weights from a training
 * structure. Children {@code gp}, {@code fc3}, then {@code fc3_bn} and {@code repconv{k}} (training
 * structure only).
 *
 * <p>Shapes: (B, C, H, W) to (B, C, H, W), H divisible by h and W by w.
 */
public class RepMlpBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int h;
    private final int w;
    private final int sharesets;
    private final int[] convKs;
    private final boolean deploy;
    private final GlobalPerceptron gp;
    private final Conv2d fc3;
    private final BatchNorm2d fc3Bn;
    private final Map<Integer, ConvBn> repconv = new LinkedHashMap<>();
    private int mapH;
    private int mapW;

    /**
     * Creates the block.
     *
     * @param channels C
     * @param h the partition height
     * @param w the partition width
     * @param sharesets S, which divides C
     * @param convKs the odd kernel sizes of the convolution branches (training structure)
     * @param reduce the global perceptron's reduction (hidden width C / reduce)
     * @param deploy whether this is the re-parameterised structure
     */
    public RepMlpBlock(
            int channels, int h, int w, int sharesets, int[] convKs, int reduce, boolean deploy) {
        super(VERSION);
        this.channels = channels;
        this.h = h;
        this.w = w;
        this.sharesets = sharesets;
        this.convKs = convKs == null ? new int[0] : convKs.clone();
        this.deploy = deploy;
        gp = addChildBlock("gp", new GlobalPerceptron(channels, channels / reduce));
        int hw = h * w;
        fc3 =
                addChildBlock(
                        "fc3",
                        Conv2d.builder()
                                .setKernelShape(new Shape(1, 1))
                                .setFilters(sharesets * hw)
                                .optGroups(sharesets)
                                .optBias(deploy)
                                .build());
        if (deploy) {
            fc3Bn = null;
        } else {
            fc3Bn = addChildBlock("fc3_bn", new BatchNorm2d(sharesets, ConvBn.EPS));
            for (int k : this.convKs) {
                Shape kk = new Shape(k, k);
                Shape pad = new Shape(k / 2, k / 2);
                repconv.put(
                        k,
                        addChildBlock(
                                "repconv" + k,
                                new ConvBn(sharesets, kk, new Shape(1, 1), pad, sharesets, false)));
            }
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        Shape shape = x.getShape();
        long hp = shape.get(2) / h;
        long wp = shape.get(3) / w;
        NDArray gate = gp.forward(ps, inputs, training).head(); // (B, C, 1, 1)
        NDArray parts =
                x.reshape(shape.get(0), channels, hp, h, wp, w)
                        .transpose(0, 2, 4, 1, 3, 5); // (B, hp, wp, C, h, w)
        // rows ordered (batch, i, j, channel group): R = B·hp·wp·C/S
        long hw = (long) h * w;
        NDArray rows = parts.reshape(-1, sharesets, hw); // (R, S, h·w)
        NDArray out = groupedFc(ps, rows, training).reshape(-1, sharesets, h, w); // (R, S, h, w)
        if (!deploy) {
            out = fc3Bn.forward(ps, new NDList(out), training).head(); // (R, S, h, w)
            NDArray convIn = parts.reshape(-1, sharesets, h, w); // (R, S, h, w)
            for (ConvBn branch : repconv.values()) {
                out = out.add(branch.forward(ps, new NDList(convIn), training).head());
            }
        }
        // the reference's reshape: re-reads the rows as (B·C/S, hp, wp) (see the class comment)
        NDArray back =
                out.reshape(-1, hp, wp, sharesets, h, w)
                        .transpose(0, 3, 1, 4, 2, 5) // (B·C/S, S, hp, h, wp, w)
                        .reshape(shape); // (B, C, H, W)
        return new NDList(back.mul(gate)); // (B, C, H, W)
    }

    /**
     * fc3, the reference's {@code Conv2d(S·h·w, S·h·w, 1, groups=S)} on (R, S·h·w, 1, 1), as one
     * batched matrix product per shareset: PyTorch's CPU grouped convolution over R 1×1 images made
     * repmlp_fmnist's whole forward 1.5x slower than this matmul, and the arithmetic is the same.
     *
     * @param rows (R, S, h·w)
     * @return (R, S, h·w)
     */
    private NDArray groupedFc(ParameterStore ps, NDArray rows, boolean training) {
        long hw = (long) h * w;
        NDArray weight =
                StepLocal.view(
                        ps.getValue(fc3.getParameters().get("weight"), rows.getDevice(), training),
                        rows,
                        p -> p.reshape(sharesets, hw, hw)); // (S, out, in)
        NDArray y = rows.transpose(1, 0, 2).matMul(weight.transpose(0, 2, 1)); // (S, R, h·w out)
        y = y.transpose(1, 0, 2); // (R, S, h·w)
        if (deploy) {
            NDArray bias =
                    StepLocal.view(
                            ps.getValue(
                                    fc3.getParameters().get("bias"), rows.getDevice(), training),
                            rows,
                            p -> p.reshape(sharesets, hw)); // (S, h·w)
            y = y.add(bias); // (R, S, h·w)
        }
        return y;
    }

    /**
     * The fully-connected layer equivalent to the training structure's {@code fc3}, {@code fc3_bn}
     * and convolution branches (the reference's {@code get_equivalent_fc3}): each BatchNorm folded
     * into its layer ({@code W·γ/√(var+eps)}, {@code β − mean·γ/√(var+eps)}; fc3_bn's S factors
     * repeated over the h·w rows of each shareset), and each k×k kernel turned into the h·w × h·w
     * matrix of its convolution on an h×w partition with zero padding k / 2 (input pixel (iy, ix)
     * reaches output pixel (oy, ox) through kernel tap (iy − oy + k/2, ix − ox + k/2) when that
     * lies in the kernel). Computed in double precision.
     *
     * @return {weight as (S·h·w, h·w, 1, 1) flattened, bias (S·h·w)}
     * @throws IllegalStateException on a deploy-structure block
     */
    public float[][] equivalentFc3() {
        if (deploy) {
            throw new IllegalStateException("the block is already in its deploy structure");
        }
        int hw = h * w;
        int rows = sharesets * hw;
        double[] weight = new double[rows * hw];
        double[] bias = new double[rows];
        float[] fcW = fc3.getParameters().get("weight").getArray().toFloatArray();
        double[][] bnFc = fold(fc3Bn);
        for (int r = 0; r < rows; r++) {
            int s = r / hw;
            for (int i = 0; i < hw; i++) {
                weight[r * hw + i] = fcW[r * hw + i] * bnFc[0][s];
            }
            bias[r] = bnFc[1][s];
        }
        for (Map.Entry<Integer, ConvBn> e : repconv.entrySet()) {
            int k = e.getKey();
            int pad = k / 2;
            float[] kw =
                    e.getValue().getConv().getParameters().get("weight").getArray().toFloatArray();
            double[][] bn = fold(e.getValue().getBn());
            for (int s = 0; s < sharesets; s++) {
                for (int oy = 0; oy < h; oy++) {
                    for (int ox = 0; ox < w; ox++) {
                        int r = s * hw + oy * w + ox;
                        bias[r] += bn[1][s];
                        for (int dy = 0; dy < k; dy++) {
                            int iy = oy + dy - pad;
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            for (int dx = 0; dx < k; dx++) {
                                int ix = ox + dx - pad;
                                if (ix < 0 || ix >= w) {
                                    continue;
                                }
                                weight[r * hw + iy * w + ix] +=
                                        kw[(s * k + dy) * k + dx] * bn[0][s];
                            }
                        }
                    }
                }
            }
        }
        float[] fw = new float[weight.length];
        for (int i = 0; i < fw.length; i++) {
            fw[i] = (float) weight[i];
        }
        float[] fb = new float[bias.length];
        for (int i = 0; i < fb.length; i++) {
            fb[i] = (float) bias[i];
        }
        return new float[][] {fw, fb};
    }

    /** A BatchNorm's eval-mode affine: {scale γ/√(var+eps), shift β − mean·scale}. */
    private static double[][] fold(BatchNorm2d bn) {
        Parameter[] p = bn.getParametersInOrder();
        float[] gamma = p[0].getArray().toFloatArray();
        float[] beta = p[1].getArray().toFloatArray();
        float[] mean = p[2].getArray().toFloatArray();
        float[] var = p[3].getArray().toFloatArray();
        double[] scale = new double[gamma.length];
        double[] shift = new double[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            scale[c] = gamma[c] / Math.sqrt((double) var[c] + bn.getEps());
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return new double[][] {scale, shift};
    }

    /**
     * Records the map size this block sees at its model's input size, for exporters that need
     * static partition counts (the forward reads it from its input).
     *
     * @param height H
     * @param width W
     */
    void setMapSize(int height, int width) {
        mapH = height;
        mapW = width;
    }

    /**
     * @return the map height H at the model's input size, or 0 for a block outside a model
     */
    public int getMapH() {
        return mapH;
    }

    /**
     * @return the map width W at the model's input size, or 0 for a block outside a model
     */
    public int getMapW() {
        return mapW;
    }

    /**
     * @return the convolution branches' kernel sizes (the training structure's)
     */
    public int[] getConvKs() {
        return convKs.clone();
    }

    /**
     * @return the global perceptron
     */
    public GlobalPerceptron getGp() {
        return gp;
    }

    /**
     * @return the grouped FC
     */
    public Conv2d getFc3() {
        return fc3;
    }

    /**
     * @return fc3's norm, or null in the deploy structure
     */
    public BatchNorm2d getFc3Bn() {
        return fc3Bn;
    }

    /**
     * @return the convolution branches by kernel size, empty in the deploy structure
     */
    public List<Map.Entry<Integer, ConvBn>> getRepconv() {
        return new ArrayList<>(repconv.entrySet());
    }

    /**
     * @return whether this is the deploy structure
     */
    public boolean isDeploy() {
        return deploy;
    }

    /**
     * @return C
     */
    public int getChannels() {
        return channels;
    }

    /**
     * @return the partition height h
     */
    public int getH() {
        return h;
    }

    /**
     * @return the partition width w
     */
    public int getW() {
        return w;
    }

    /**
     * @return S
     */
    public int getSharesets() {
        return sharesets;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape in = inputs[0];
        gp.initialize(manager, dataType, in);
        long rows = in.get(0) * (in.get(2) / h) * (in.get(3) / w) * (channels / sharesets);
        fc3.initialize(manager, dataType, new Shape(rows, (long) sharesets * h * w, 1, 1));
        Shape part = new Shape(rows, sharesets, h, w);
        if (fc3Bn != null) {
            fc3Bn.initialize(manager, dataType, part);
        }
        for (ConvBn branch : repconv.values()) {
            branch.initialize(manager, dataType, part);
        }
    }
}
