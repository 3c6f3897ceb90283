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
        NDArray mean = stat(x); // (B, 1, 1, 1) or (B, 1, H, W)
        NDArray d = x.sub(mean);
        NDArray var = stat(d.square()); // biased, as PyTorch's norms
        NDArray y = d.div(var.add(type.eps()).sqrt()); // (B, C, H, W)
        Shape perChannel = new Shape(channels, 1, 1);
        NDArray w = ps.getValue(weight, x.getDevice(), training); // (C,)
        y = y.mul(StepLocal.view(w, x, p -> p.reshape(perChannel)));
        if (bias != null) {
            NDArray b = ps.getValue(bias, x.getDevice(), training); // (C,)
            y = y.add(StepLocal.view(b, x, p -> p.reshape(perChannel)));
        }
        return new NDList(y);
    }

    /**
     * The mean over (C, H, W) per sample, or over C per pixel, kept broadcastable. DJL's PyTorch
     * engine averages over one axis at a time, so the whole-sample mean flattens first.
     */
    private NDArray stat(NDArray v) {
        if (!type.wholeSample()) {
            return v.mean(new int[] {1}, true); // (B, 1, H, W)
        }
        long batch = v.getShape().get(0);
        return v.reshape(batch, -1).mean(new int[] {1}, true).reshape(batch, 1, 1, 1);
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
