package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.StepLocal;
import java.util.Objects;

/**
 * A norm of (batch, C, H, W) maps with a per-channel affine, one of timm's MetaFormer norms ({@link
 * NormType}): {@code GroupNorm1} takes mean and (biased) variance over (C, H, W) of each sample,
 * {@code LayerNorm2d} over C at each pixel; then {@code (x - mean) / sqrt(var + eps) * weight +
 * bias}. Parameters {@code weight} (C,) and, unless NoBias, {@code bias} (C,), as timm.
 *
 * <p>Shapes: (batch, C, H, W) to the same.
 */
public class ChannelNorm extends AbstractBlock {

    private static final byte VERSION = 1;

    private final NormType type;
    private final int channels;
    private final Parameter weight;
    private final Parameter bias;

    /**
     * Creates the norm.
     *
     * @param type which norm
     * @param channels C
     */
    public ChannelNorm(NormType type, int channels) {
        super(VERSION);
        this.type = Objects.requireNonNull(type, "norm type");
        this.channels = Checks.positive(channels, "dims");
        weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(channels))
                                .optInitializer(Initializer.ONES)
                                .build());
        bias =
                type.hasBias()
                        ? addParameter(
                                Parameter.builder()
                                        .setName("bias")
                                        .setType(Parameter.Type.BIAS)
                                        .optShape(new Shape(channels))
                                        .optInitializer(Initializer.ZEROS)
                                        .build())
                        : null;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray w = ps.getValue(weight, x.getDevice(), training); // (C,)
        // PyTorch's fused layer_norm: one native call (and one autograd node) instead of about a
        // dozen element-wise ones (mean, centre, square, mean, eps, sqrt, divide, scale, shift)
        if (type.wholeSample()) {
            // GroupNorm with one group = LayerNorm over (C, H, W) with a per-channel affine, which
            // layer_norm takes as a (C, H, W) weight: the (C,) parameters expanded (a view, which
            // layer_norm copies into a contiguous (C, H, W) array, small beside the maps)
            Shape chw = x.getShape().slice(1); // (C, H, W)
            Shape perChannel = new Shape(channels, 1, 1);
            NDArray g = expand(w, x, perChannel, chw); // (C, H, W)
            NDArray b = expand(shift(ps, x, training), x, perChannel, chw); // (C, H, W)
            return new NDList(layerNorm(x, chw, g, b)); // (B, C, H, W)
        }
        // LayerNorm2d: over C per pixel, in channels-last order and back (views both ways)
        NDArray t = x.transpose(0, 2, 3, 1); // (B, H, W, C)
        NDArray y = layerNorm(t, new Shape(channels), w, shift(ps, x, training)); // (B, H, W, C)
        return new NDList(y.transpose(0, 3, 1, 2)); // (B, C, H, W)
    }

    /**
     * (C,) to (C, H, W) as views owned by the pass: each step of the chain is attached to the
     * activation's manager, not only the last (the reshape of a parameter would otherwise stay in
     * the model's manager, one array a step; {@code TrainingStepMemoryTest} counts them).
     */
    private static NDArray expand(NDArray v, NDArray like, Shape perChannel, Shape chw) {
        NDArray r = StepLocal.view(v, like, p -> p.reshape(perChannel)); // (C, 1, 1)
        return StepLocal.view(r, like, p -> p.broadcast(chw)); // (C, H, W)
    }

    /** The bias, or zeros for the NoBias norms (layer_norm takes no null shift through DJL). */
    private NDArray shift(ParameterStore ps, NDArray x, boolean training) {
        if (bias != null) {
            return ps.getValue(bias, x.getDevice(), training); // (C,)
        }
        return x.getManager().zeros(new Shape(channels), x.getDataType()); // (C,)
    }

    private NDArray layerNorm(NDArray x, Shape normalized, NDArray gamma, NDArray beta) {
        return x.getNDArrayInternal()
                .layerNorm(x, normalized, gamma, beta, (float) type.eps())
                .head();
    }

    /**
     * @return which norm this is
     */
    public NormType getType() {
        return type;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }
}
