package ai.mlpzoo.blocks.metaformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The channel MLP of a MetaFormer block, timm's {@code Mlp(use_conv=True)}: 1x1 convolutions {@code
 * fc1} (C to 4C) and {@code fc2} (4C to C) around the activation, biases optional ({@code
 * mlp_bias}). With StarReLU the activation is a child {@code act} holding its two learnt scalars;
 * GELU (exact, erf) has no parameters and no child. Weights N(0, 0.02), biases 0 (timm's MetaFormer
 * init).
 *
 * <p>Shapes: (batch, C, H, W) to the same.
 *
 * <p>Hook points {@code fc1} (before the activation) and {@code fc2}.
 */
public class ConvMlp extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    /** The MLP activation, timm's {@code mlp_act}. */
    public enum Act {
        /** nn.GELU, exact (PoolFormer v1). */
        GELU,
        /** {@link StarReLU} (PoolFormer v2, MetaFormer's default). */
        STAR_RELU;

        /**
         * @return the config name ({@code gelu}, {@code star_relu})
         */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses a config name; timm's class names (GELU, StarReLU) are accepted too.
         *
         * @param name the name
         * @return the activation
         * @throws IllegalArgumentException naming field mlp_act and the known names
         */
        public static Act parse(String name) {
            String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace("_", "");
            for (Act a : values()) {
                if (a.id().replace("_", "").equals(n)) {
                    return a;
                }
            }
            throw new IllegalArgumentException(
                    "field 'mlp_act': unknown activation '" + name + "'; known: gelu, star_relu");
        }
    }

    private final Conv2d fc1;
    private final StarReLU act;
    private final Conv2d fc2;
    private final int hidden;
    private final float dropRate;
    private final HookPoint hookFc1 = new HookPoint("fc1");
    private final HookPoint hookFc2 = new HookPoint("fc2");

    /**
     * Creates the MLP.
     *
     * @param dim C
     * @param hidden the hidden width (MetaFormer: 4C)
     * @param act the activation
     * @param bias whether fc1 and fc2 have biases
     * @param dropRate dropout after the activation and after fc2 while training
     */
    public ConvMlp(int dim, int hidden, Act act, boolean bias, float dropRate) {
        super(VERSION);
        this.hidden = hidden;
        this.dropRate = dropRate;
        fc1 = addChildBlock("fc1", conv1x1(hidden, bias));
        this.act =
                Objects.requireNonNull(act, "mlp_act") == Act.STAR_RELU
                        ? addChildBlock("act", new StarReLU())
                        : null;
        fc2 = addChildBlock("fc2", conv1x1(dim, bias));
    }

    static Conv2d conv1x1(int filters, boolean bias) {
        Conv2d conv =
                Conv2d.builder()
                        .setKernelShape(new Shape(1, 1))
                        .setFilters(filters)
                        .optBias(bias)
                        .build();
        conv.setInitializer(Initializers.normal(0.02), Parameter.Type.WEIGHT);
        if (bias) {
            conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
        }
        return conv;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, H, W)
        NDArray h = hookFc1.apply(x, fc1.forward(ps, inputs, training).head()); // (B, 4C, H, W)
        h =
                act == null
                        ? Activation.gelu(h)
                        : act.forward(ps, new NDList(h), training).head(); // (B, 4C, H, W)
        h = MetaFormerBlock.dropout(h, dropRate, training);
        NDArray y =
                hookFc2.apply(h, fc2.forward(ps, new NDList(h), training).head()); // (B, C, H, W)
        return new NDList(MetaFormerBlock.dropout(y, dropRate, training));
    }

    /**
     * @return the activation
     */
    public Act getAct() {
        return act == null ? Act.GELU : Act.STAR_RELU;
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookFc1, hookFc2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        fc1.initialize(manager, dataType, x);
        Shape h = new Shape(x.get(0), hidden, x.get(2), x.get(3));
        if (act != null) {
            act.initialize(manager, dataType, h);
        }
        fc2.initialize(manager, dataType, h);
    }
}
