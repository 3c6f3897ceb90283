package ai.mlpzoo.blocks.common;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * PyTorch's {@code nn.BatchNorm2d} over the channel axis of (B, C, H, W), with PyTorch's parameter
 * names ({@code weight}, {@code bias}, {@code running_mean}, {@code running_var}) so that a state
 * dict loads by name, and its settings readable for the ONNX exporter (DJL's {@link BatchNorm}
 * keeps them private and names its parameters {@code gamma}, {@code beta}, {@code runningMean},
 * {@code runningVar}). The math is DJL's: at inference {@code (x − running_mean) / sqrt(running_var
 * + eps) · weight + bias}; while training, the batch's statistics, the running ones updated with
 * PyTorch's momentum 0.1.
 */
public class BatchNorm2d extends AbstractBlock {

    private static final byte VERSION = 1;

    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /**
     * Creates the norm.
     *
     * @param channels C
     * @param eps the variance epsilon (PyTorch's default 1e-5)
     */
    public BatchNorm2d(int channels, double eps) {
        super(VERSION);
        this.eps = (float) eps;
        Shape c = new Shape(channels);
        weight = addParameter(param("weight", Parameter.Type.GAMMA, c, Initializer.ONES));
        bias = addParameter(param("bias", Parameter.Type.BETA, c, Initializer.ZEROS));
        runningMean =
                addParameter(
                        param("running_mean", Parameter.Type.RUNNING_MEAN, c, Initializer.ZEROS));
        runningVar =
                addParameter(param("running_var", Parameter.Type.RUNNING_VAR, c, Initializer.ONES));
    }

    private static Parameter param(
            String name, Parameter.Type type, Shape shape, Initializer init) {
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(shape)
                .optInitializer(init)
                .optRequiresGrad(type == Parameter.Type.GAMMA || type == Parameter.Type.BETA)
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        return BatchNorm.batchNorm(
                x,
                ps.getValue(runningMean, x.getDevice(), training),
                ps.getValue(runningVar, x.getDevice(), training),
                ps.getValue(weight, x.getDevice(), training),
                ps.getValue(bias, x.getDevice(), training),
                1,
                0.1f,
                eps,
                training); // (B, C, H, W)
    }

    /**
     * @return the variance epsilon
     */
    public float getEps() {
        return eps;
    }

    /**
     * @return the parameters: weight, bias, running_mean, running_var
     */
    public Parameter[] getParametersInOrder() {
        return new Parameter[] {weight, bias, runningMean, runningVar};
    }

    /**
     * Whether a parameter is a running statistic (a buffer in PyTorch, not counted by {@code
     * parameters()}).
     *
     * @param p the parameter
     * @return true for running_mean and running_var
     */
    public static boolean isBuffer(Parameter p) {
        return p.getType() == Parameter.Type.RUNNING_MEAN
                || p.getType() == Parameter.Type.RUNNING_VAR;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
