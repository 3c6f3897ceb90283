package ai.mlpzoo.blocks.activator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.ChannelLayerNorm;
import ai.mlpzoo.blocks.kan.BaseActivation;

/**
 * Activator's gating unit (Abdullah and Aydin 2024, the reference's {@code ActivatorGatingUnit}): a
 * GLU in place of attention, {@code proj_3(norm(GELU(proj_1(u))) · norm(proj_2(u)))}. Both branches
 * go through the same LayerNorm over d_ffn (eps 1e-5): one set of weights normalises the activated
 * branch and the linear gate, as in the reference. Each token is processed on its own: the model's
 * only token mixing is the patch stem and the final mean.
 *
 * <p>Children {@code proj_1}, {@code proj_2}, {@code proj_3} (d_model → d_ffn, d_model → d_ffn,
 * d_ffn → d_model, with bias), {@code norm}, in the reference's order.
 *
 * <p>Shapes: (batch, tokens, d_model) to the same.
 */
public class ActivatorGatingUnit extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Linear proj1;
    private final Linear proj2;
    private final Linear proj3;
    private final ChannelLayerNorm norm;
    private final int dFfn;

    /**
     * Creates the unit.
     *
     * @param dModel the token width
     * @param dFfn the hidden (gated) width
     */
    public ActivatorGatingUnit(int dModel, int dFfn) {
        super(VERSION);
        this.dFfn = dFfn;
        proj1 = addChildBlock("proj_1", Linear.builder().setUnits(dFfn).build());
        proj2 = addChildBlock("proj_2", Linear.builder().setUnits(dFfn).build());
        proj3 = addChildBlock("proj_3", Linear.builder().setUnits(dModel).build());
        norm = addChildBlock("norm", new ChannelLayerNorm(2, 1e-5));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray a = proj1.forward(ps, inputs, training).head(); // (B, N, F)
        a = BaseActivation.GELU.apply(a); // (B, N, F)
        a = norm.forward(ps, new NDList(a), training).head(); // (B, N, F)
        NDArray g = proj2.forward(ps, inputs, training).head(); // (B, N, F)
        g = norm.forward(ps, new NDList(g), training).head(); // (B, N, F), the same norm
        return proj3.forward(ps, new NDList(a.mul(g)), training); // (B, N, D)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape x = inputs[0];
        Shape hidden = x.slice(0, x.dimension() - 1).add(dFfn);
        proj1.initialize(manager, dataType, x);
        proj2.initialize(manager, dataType, x);
        proj3.initialize(manager, dataType, hidden);
        norm.initialize(manager, dataType, hidden);
    }
}
