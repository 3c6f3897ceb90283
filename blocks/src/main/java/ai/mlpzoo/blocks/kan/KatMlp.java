package ai.mlpzoo.blocks.kan;

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
import java.util.List;

/**
 * KAT's channel MLP, the GR-KAN that replaces a Transformer's (or a Mixer's) MLP: fc2(drop(act2(
 * fc1(drop(act1(x)))))) where act1 is a {@link GroupRational} initialised as the identity and act2
 * one initialised as GELU (Yang and Wang 2024). Children {@code act1, fc1, act2, fc2} as KAT's
 * {@code KAN} module. It maps (batch, tokens, dim) to the same shape, so it can be injected as the
 * channel mixer of a {@code MixerBlock}, giving a KAN-Mixer.
 *
 * <p>Shapes: (..., in) to (..., out).
 *
 * <p>Hook points, one per child, on its output: {@code act1}, {@code fc1}, {@code act2}, {@code
 * fc2}.
 */
public class KatMlp extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final GroupRational act1;
    private final Linear fc1;
    private final GroupRational act2;
    private final Linear fc2;
    private final int hidden;
    private final int out;
    private final float drop;
    private final HookPoint hookAct1 = new HookPoint("act1");
    private final HookPoint hookFc1 = new HookPoint("fc1");
    private final HookPoint hookAct2 = new HookPoint("act2");
    private final HookPoint hookFc2 = new HookPoint("fc2");

    /**
     * Creates the MLP.
     *
     * @param hidden the hidden width, divisible by groups
     * @param out the output width
     * @param groups the rational groups (KAT: 8); the input width must also be divisible by it
     * @param actInit act2's initial function (KAT: gelu)
     * @param drop dropout after each rational while training
     */
    public KatMlp(int hidden, int out, int groups, RationalInit actInit, float drop) {
        super(VERSION);
        this.hidden = Checks.positive(hidden, "hidden");
        this.out = Checks.positive(out, "out");
        this.drop = Checks.probability(drop, "drop");
        if (hidden % groups != 0) {
            throw new IllegalArgumentException(
                    "KatMlp hidden width " + hidden + " must be divisible by num_groups " + groups);
        }
        act1 = addChildBlock("act1", new GroupRational(groups, RationalInit.IDENTITY));
        fc1 = addChildBlock("fc1", linear(hidden));
        act2 = addChildBlock("act2", new GroupRational(groups, actInit));
        fc2 = addChildBlock("fc2", linear(out));
    }

    private static Linear linear(int units) {
        Linear l = Linear.builder().setUnits(units).build();
        l.setInitializer(Initializers.xavierUniform(), Parameter.Type.WEIGHT);
        l.setInitializer(Initializers.normal(1e-6), Parameter.Type.BIAS);
        return l;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray h = hookAct1.apply(inputs.head(), act1.forward(ps, inputs, training).head());
        h = Dropout.dropout(h, drop, training).head();
        NDArray in = h;
        h = hookFc1.apply(in, fc1.forward(ps, new NDList(in), training).head());
        in = h;
        h = hookAct2.apply(in, act2.forward(ps, new NDList(in), training).head());
        h = Dropout.dropout(h, drop, training).head();
        return new NDList(hookFc2.apply(h, fc2.forward(ps, new NDList(h), training).head()));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookAct1, hookFc1, hookAct2, hookFc2);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0];
        act1.initialize(manager, dataType, s);
        fc1.initialize(manager, dataType, s);
        Shape h = s.slice(0, s.dimension() - 1).add(hidden);
        act2.initialize(manager, dataType, h);
        fc2.initialize(manager, dataType, h);
    }
}
