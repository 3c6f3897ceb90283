package ai.mlpzoo.blocks.timeseries;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * PyTorch's {@code BatchNorm1d} over a trailing feature axis: each of the {@code features} channels
 * is normalised over every other axis (the batch, and the patches where there are some), with
 * learned {@code weight} and {@code bias} and the running statistics {@code running_mean} and
 * {@code running_var} (PyTorch's state-dict names, so that checkpoints map one to one).
 *
 * <p>Training mode normalises with the batch's statistics (biased variance) and updates the running
 * ones as PyTorch does (momentum 0.1, unbiased variance); inference uses the running ones.
 * PyTorch's {@code num_batches_tracked} counter has no parameter here: it only matters when
 * momentum is {@code None}, which neither reference uses.
 *
 * <p>Shapes: (..., features) to the same.
 */
public class FeatureBatchNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    /** PyTorch's default momentum of the running statistics. */
    public static final float MOMENTUM = 0.1f;

    private final int features;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;
    private final Parameter runningMean;
    private final Parameter runningVar;

    /**
     * Creates the norm.
     *
     * @param features the size of the trailing axis
     * @param eps the variance epsilon (PyTorch's default 1e-5)
     */
    public FeatureBatchNorm(int features, double eps) {
        super(VERSION);
        this.features = Checks.positive(features, "features");
        this.eps = (float) Checks.positive(eps, "norm_eps");
        Shape shape = new Shape(features);
        weight = addParameter(param("weight", Parameter.Type.GAMMA, shape, true));
        bias = addParameter(param("bias", Parameter.Type.BETA, shape, true));
        runningMean =
                addParameter(param("running_mean", Parameter.Type.RUNNING_MEAN, shape, false));
        runningVar = addParameter(param("running_var", Parameter.Type.RUNNING_VAR, shape, false));
    }

    private static Parameter param(String name, Parameter.Type type, Shape shape, boolean grad) {
        return Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(shape)
                .optRequiresGrad(grad)
                .build();
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (..., F)
        NDArray w = ps.getValue(weight, x.getDevice(), training); // (F)
        NDArray b = ps.getValue(bias, x.getDevice(), training); // (F)
        NDArray mean;
        NDArray var;
        if (training) {
            // PyTorch's mean takes one axis here: flatten the non-feature axes into one
            NDArray flat = x.reshape(-1, features); // (N, F)
            mean = flat.mean(new int[] {0}); // (F)
            var = flat.sub(mean).square().mean(new int[] {0}); // (F), biased, as the norm uses
            updateRunning(mean, var, x.getShape().size() / features);
        } else {
            mean = ps.getValue(runningMean, x.getDevice(), false); // (F)
            var = ps.getValue(runningVar, x.getDevice(), false); // (F)
        }
        NDArray y = x.sub(mean).div(var.add(eps).sqrt()).mul(w).add(b); // (..., F)
        return new NDList(y);
    }

    /** The running statistics, updated in place and outside autograd, as PyTorch's buffers. */
    private void updateRunning(NDArray mean, NDArray var, long count) {
        NDArray rm = runningMean.getArray();
        NDArray rv = runningVar.getArray();
        // PyTorch tracks the unbiased variance: var * n / (n - 1)
        float unbias = count > 1 ? (float) count / (count - 1) : 1f;
        try (NDArray m = mean.stopGradient();
                NDArray v = var.stopGradient();
                NDArray dm = Scalars.mul(m, MOMENTUM);
                NDArray dv = Scalars.mul(v, MOMENTUM * unbias)) {
            Scalars.muli(rm, 1 - MOMENTUM).addi(dm);
            Scalars.muli(rv, 1 - MOMENTUM).addi(dv);
        }
    }

    /**
     * @return the normalised features
     */
    public int getFeatures() {
        return features;
    }

    /**
     * @return the variance epsilon
     */
    public float getEpsilon() {
        return eps;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }
}
