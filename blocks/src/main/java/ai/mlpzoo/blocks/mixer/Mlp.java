package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.List;
import java.util.Objects;

/**
 * The two-layer MLP of the Transformer and of MLP-Mixer: {@code fc2(drop(act(fc1(x))))} on the last
 * axis, the activation injected (timm's {@code act_layer}; the Mixer family's is GELU in its exact
 * (erf) form). Children {@code fc1}, {@code fc2} as in timm's {@code Mlp}; weights Xavier-uniform
 * and biases N(0, 1e-6), timm's initialisation for MLPs.
 *
 * <p>Shapes: (..., in) to (..., out).
 *
 * <p>Hook points {@code fc1} (before the GELU) and {@code fc2} (before the dropout).
 */
public class Mlp extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Linear fc1;
    private final Linear fc2;
    private final int hidden;
    private final int out;
    private final BaseActivation act;
    private final float dropRate;
    private final HookPoint hookFc1 = new HookPoint("fc1");
    private final HookPoint hookFc2 = new HookPoint("fc2");

    /**
     * Creates the MLP.
     *
     * @param hidden the hidden width
     * @param out the output width
     * @param act the activation between the layers
     * @param dropRate dropout after each layer while training
     */
    public Mlp(int hidden, int out, BaseActivation act, float dropRate) {
        super(VERSION);
        this.hidden = Checks.positive(hidden, "hidden");
        this.out = Checks.positive(out, "out");
        this.act = Objects.requireNonNull(act, "act_layer");
        this.dropRate = Checks.probability(dropRate, "drop");
        fc1 = addChildBlock("fc1", mlpLinear(hidden));
        fc2 = addChildBlock("fc2", mlpLinear(out));
    }

    static Linear mlpLinear(int units) {
        Linear linear = Linear.builder().setUnits(units).build();
        linear.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
        linear.setInitializer(Initializers.normal(1e-6), Parameter.Type.BIAS);
        return linear;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = hookFc1.apply(inputs.head(), fc1.forward(ps, inputs, training).head());
        h = act.apply(h);
        h = dropout(h, dropRate, training);
        NDArray y = hookFc2.apply(h, fc2.forward(ps, new NDList(h), training).head());
        return new NDList(dropout(y, dropRate, training));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookFc1, hookFc2);
    }

    /** Dropout, skipped (no native call) at inference or at rate 0, where it is the identity. */
    static NDArray dropout(NDArray x, float rate, boolean training) {
        return training && rate > 0f ? Dropout.dropout(x, rate, training).head() : x;
    }

    /**
     * @return the activation between the layers
     */
    public BaseActivation getActivation() {
        return act;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {lastAxis(inputShapes[0], out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        fc1.initialize(manager, dataType, inputs[0]);
        fc2.initialize(manager, dataType, lastAxis(inputs[0], hidden));
    }

    static Shape lastAxis(Shape shape, long size) {
        return shape.slice(0, shape.dimension() - 1).add(size);
    }
}
