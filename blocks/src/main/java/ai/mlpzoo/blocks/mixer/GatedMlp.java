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
import ai.mlpzoo.blocks.kan.BaseActivation;

import java.util.Objects;

/**
 * gMLP's channel MLP with a {@link SpatialGatingUnit} between its layers: {@code fc2(sgu(act(fc1
 * x)))}, the activation injected (gMLP's is GELU). Children {@code fc1, gate, fc2} as in timm's {@code GatedMlp}.
 *
 * <p>Shapes: (batch, tokens, dim) to (batch, tokens, out); fc1 widens to hidden, the gate halves
 * it.
 */
public class GatedMlp extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear fc1;
    private final SpatialGatingUnit gate;
    private final Linear fc2;
    private final int hidden;
    private final int out;
    private final BaseActivation act;
    private final float dropRate;

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
                            + " halves it; got " + hidden);
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
        NDArray h = act.apply(fc1.forward(ps, inputs, training).head());
        h = Mlp.dropout(h, dropRate, training);
        h = gate.forward(ps, new NDList(h), training).head();
        NDArray y = fc2.forward(ps, new NDList(h), training).head();
        return new NDList(Mlp.dropout(y, dropRate, training));
    }

    /** @return the activation after fc1 */
    public BaseActivation getActivation() {
        return act;
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
