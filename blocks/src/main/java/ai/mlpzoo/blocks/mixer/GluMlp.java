package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import ai.mlpzoo.blocks.kan.BaseActivation;
import java.util.List;
import java.util.Objects;

/**
 * The gated linear unit MLP of timm's {@code GluMlp} (Dauphin et al. 2017, "Language Modeling with
 * Gated Convolutional Networks"; with SiLU the SwiGLU of Shazeer 2020, "GLU Variants Improve
 * Transformer"), the MLP of timm's gMixer: {@code h = fc1(x)} is cut in halves along the last axis,
 * the first the value, the second the gate, and {@code fc2(value * act(gate))} maps back. Children
 * {@code fc1, fc2} as in timm; fc1 widens to {@code hidden}, fc2 reads {@code hidden / 2}.
 *
 * <p>Initialisation as timm's {@code GluMlp.init_weights} under the Mixer's {@code _init_weights}:
 * Xavier-uniform weights and N(0, 1e-6) biases, except the gate half of fc1, which starts at weight
 * N(0, 1e-6) and bias 1 so that every gate opens at act(1) and the block begins close to a plain
 * linear MLP.
 *
 * <p>Shapes: (..., in) to (..., out).
 *
 * <p>Hook points {@code fc1} (value and gate, before the activation), {@code gate} (the product,
 * what fc2 reads) and {@code fc2} (before the dropout).
 */
public class GluMlp extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final Linear fc1;
    private final Linear fc2;
    private final int hidden;
    private final int out;
    private final BaseActivation act;
    private final float dropRate;
    private final HookPoint hookFc1 = new HookPoint("fc1");
    private final HookPoint hookGate = new HookPoint("gate");
    private final HookPoint hookFc2 = new HookPoint("fc2");

    /**
     * Creates the MLP.
     *
     * @param hidden the width of fc1's output, value and gate together (even)
     * @param out the output width
     * @param act the gate's activation (gMixer: SiLU)
     * @param dropRate dropout after the gate and after fc2 while training
     * @throws IllegalArgumentException naming {@code mlp_ratio} when {@code hidden} is odd
     */
    public GluMlp(int hidden, int out, BaseActivation act, float dropRate) {
        super(VERSION);
        Checks.positive(hidden, "hidden");
        if (hidden % 2 != 0) {
            throw new IllegalArgumentException(
                    "the GLU MLP's width (field 'mlp_ratio' times field 'embed_dim') must be even,"
                            + " as it is cut into value and gate halves; got "
                            + hidden);
        }
        this.hidden = hidden;
        this.out = Checks.positive(out, "out");
        this.act = Objects.requireNonNull(act, "act_layer");
        this.dropRate = Checks.probability(dropRate, "drop");
        Linear first = Linear.builder().setUnits(hidden).build();
        first.setInitializer(gateHalf(Initializers.xavierUniform(), 0), Parameter.Type.WEIGHT);
        first.setInitializer(gateHalf(Initializers.normal(1e-6), 1), Parameter.Type.BIAS);
        fc1 = addChildBlock("fc1", first);
        fc2 = addChildBlock("fc2", Mlp.mlpLinear(out));
    }

    /**
     * timm's gate-half override: the value half (first rows) from {@code value}, the gate half
     * (last rows) N(0, 1e-6) for a weight or {@code gateBias} for a bias (rank 1).
     */
    private static Initializer gateHalf(Initializer value, double gateBias) {
        return (manager, shape, dataType) -> {
            NDArray a = value.initialize(manager, shape, dataType);
            long half = shape.get(0) / 2;
            NDIndex gate = new NDIndex("{}:", half);
            if (shape.dimension() == 1) {
                a.set(gate, gateBias);
            } else {
                Shape g = new Shape(shape.get(0) - half).addAll(shape.slice(1));
                try (NDArray small = manager.randomNormal(0f, 1e-6f, g, dataType)) {
                    a.set(gate, small);
                }
            }
            return a;
        };
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (..., in)
        NDArray h = hookFc1.apply(x, fc1.forward(ps, inputs, training).head()); // (..., hidden)
        // DJL's split takes no negative axis
        NDList halves = h.split(2, h.getShape().dimension() - 1); // value, gate: (..., hidden / 2)
        NDArray g = halves.get(0).mul(act.apply(halves.get(1))); // (..., hidden / 2)
        g = hookGate.apply(h, Mlp.dropout(g, dropRate, training));
        NDArray y = hookFc2.apply(g, fc2.forward(ps, new NDList(g), training).head()); // (..., out)
        return new NDList(Mlp.dropout(y, dropRate, training));
    }

    /**
     * @return the gate's activation
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
        fc2.initialize(manager, dataType, Mlp.lastAxis(inputs[0], hidden / 2));
    }
}
