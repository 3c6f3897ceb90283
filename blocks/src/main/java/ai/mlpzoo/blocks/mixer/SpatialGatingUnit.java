package ai.mlpzoo.blocks.mixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.Initializers;
import java.util.List;

/**
 * gMLP's spatial gating unit (Liu et al. 2021, "Pay Attention to MLPs"): the channels are split in
 * halves u and v; v is normalised and mixed across tokens by one linear layer; the result gates u.
 * The projection starts near zero weight with bias one, so the unit starts as the identity on u.
 * Children {@code norm} (LayerNorm, eps 1e-5) and {@code proj}, as in timm.
 *
 * <p>Shapes: (batch, tokens, 2h) to (batch, tokens, h).
 *
 * <p>Hook points, one per child, on its output: {@code norm} (of v), {@code proj} (which sees the
 * transposed (batch, h, tokens) tensor).
 */
public class SpatialGatingUnit extends AbstractBlock implements HookPoint.Owner {

    private static final byte VERSION = 1;

    private final LayerNorm norm;
    private final Linear proj;
    private final HookPoint hookNorm = new HookPoint("norm");
    private final HookPoint hookProj = new HookPoint("proj");

    /**
     * Creates the unit.
     *
     * @param seqLen the number of tokens
     */
    public SpatialGatingUnit(int seqLen) {
        super(VERSION);
        norm = addChildBlock("norm", Norms.layerNorm(1e-5));
        proj = Linear.builder().setUnits(seqLen).build();
        proj.setInitializer(Initializers.normal(1e-6), Parameter.Type.WEIGHT);
        proj.setInitializer(Initializers.constant(1.0), Parameter.Type.BIAS);
        addChildBlock("proj", proj);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList halves = inputs.head().split(2, 2);
        NDArray u = halves.get(0);
        NDArray v =
                hookNorm.apply(
                        halves.get(1),
                        norm.forward(ps, new NDList(halves.get(1)), training).head());
        NDArray vt = v.transpose(0, 2, 1);
        v = hookProj.apply(vt, proj.forward(ps, new NDList(vt), training).head());
        return new NDList(u.mul(v.transpose(0, 2, 1)));
    }

    @Override
    public List<HookPoint> hookPoints() {
        return List.of(hookNorm, hookProj);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape x = inputShapes[0];
        return new Shape[] {new Shape(x.get(0), x.get(1), x.get(2) / 2)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        norm.initialize(manager, dataType, new Shape(x.get(0), x.get(1), x.get(2) / 2));
        proj.initialize(manager, dataType, new Shape(x.get(0), x.get(2) / 2, x.get(1)));
    }
}
