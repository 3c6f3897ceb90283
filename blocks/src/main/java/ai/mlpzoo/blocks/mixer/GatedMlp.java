package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.List;
import java.util.Objects;

/**
 * gMLP's channel MLP with a {@link SpatialGatingUnit} between its layers: {@code fc2(sgu(act(fc1
 * x)))}, the activation injected (gMLP's is GELU). Children {@code fc1, gate, fc2} as in timm's
 * {@code GatedMlp}.
 *
 * <p>Shapes: (batch, tokens, dim) to (batch, tokens, out); fc1 widens to hidden, the gate halves
 * it.
 *
 * <p>Hook points, one per child, on its output: {@code fc1} (before the GELU), {@code gate}, {@code
 * fc2} (before the dropout).
 */
public class GatedMlp extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Linear fc1;
    private final SpatialGatingUnit gate;
    private final Linear fc2;
    private final int hidden;
    private final int out;
    private final BaseActivation act;
    private final float dropRate;
    private final HookPoint hookFc1 = new HookPoint("fc1");
    private final HookPoint hookGate = new HookPoint("gate");
    private final HookPoint hookFc2 = new HookPoint("fc2");

    /**
     * Creates the gated MLP.
     *
     * @param hidden the width after fc1 (even: the gate halves it)
     * @param out the output width
     * @param seqLen the number of tokens, for the gate's projection
     * @param act the activation after fc1
     * @param dropRate dropout while training
     */
    public GatedMlp(int hidden, int out, int seqLen, BaseActivation act, float dropRate) {
        super(VERSION);
        Checks.positive(hidden, "hidden");
        if (hidden % 2 != 0) {
            throw new IllegalArgumentException(
                    "the gated MLP's width (field 'mlp_ratio' times field 'embed_dim') must be even, as the gate"
                            + " halves it; got "
                            + hidden);
        }
        this.hidden = hidden;
        this.out = Checks.positive(out, "out");
        this.act = Objects.requireNonNull(act, "act_layer");
        this.dropRate = Checks.probability(dropRate, "drop");
        fc1 = addChildBlock("fc1", Mlp.mlpLinear(hidden));
        gate = addChildBlock("gate", new SpatialGatingUnit(seqLen));
        fc2 = addChildBlock("fc2", Mlp.mlpLinear(out));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h =
                act.apply(hookFc1.apply(inputs.head(), fc1.forward(ps, inputs, training).head()));
        h = Mlp.dropout(h, dropRate, training);
        h = hookGate.apply(h, gate.forward(ps, new NDList(h), training).head());
        NDArray y = hookFc2.apply(h, fc2.forward(ps, new NDList(h), training).head());
        return new NDList(Mlp.dropout(y, dropRate, training));
    }

    /**
     * @return the activation after fc1
     */
    public BaseActivation getActivation() {
        return act;
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookFc1, hookGate, hookFc2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {Mlp.lastAxis(inputShapes[0], out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        fc1.initialize(manager, dataType, inputs[0]);
        gate.initialize(manager, dataType, Mlp.lastAxis(inputs[0], hidden));
        fc2.initialize(manager, dataType, Mlp.lastAxis(inputs[0], hidden / 2));
    }
}
