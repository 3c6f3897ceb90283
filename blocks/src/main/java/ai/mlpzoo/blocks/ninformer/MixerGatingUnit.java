package ai.mlpzoo.blocks.ninformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.mixer.LayerArgs;
import ai.mlpzoo.blocks.mixer.MixerBlock;
import ai.mlpzoo.blocks.mixer.MlpLayer;
import ai.mlpzoo.blocks.mixer.NormLayer;

/**
 * NiNformer's gating unit (Abdullah and Aydin 2024, section 3, the reference's {@code
 * MixerGatingUnit}): {@code proj(u) · Mixer(u)}, a linear projection of the tokens gated element by
 * element by an MLP-Mixer block run on the same tokens. The gate is what makes the block dynamic:
 * the Mixer's token mixing depends on the input, where a Mixer alone has static weights.
 *
 * <p>The Mixer is the Mixer family's {@link MixerBlock} (its own two residuals included), token MLP
 * seq_len → d_ffn → seq_len, channel MLP d_model → d_ffn → d_model, exact GELU, LayerNorm eps 1e-5
 * (PyTorch's default, which the reference keeps). Children {@code Mixer}, {@code proj}, in the
 * reference's order.
 *
 * <p>Shapes: (batch, seq_len, d_model) to the same.
 */
public class MixerGatingUnit extends AbstractBlock {

    private static final byte VERSION = 1;

    private final MixerBlock mixer;
    private final Linear proj;

    /**
     * Creates the unit.
     *
     * @param dModel the token width
     * @param seqLen the number of tokens
     * @param dFfn the hidden width of both Mixer MLPs
     * @param dropout the MLPs' dropout while training
     */
    public MixerGatingUnit(int dModel, int seqLen, int dFfn, float dropout) {
        super(VERSION);
        // MixerBlock sizes its MLPs as int(ratio * dim); half a unit above d_ffn keeps that
        // truncation at exactly d_ffn whatever rounding the division brings
        double ratio = (dFfn + 0.5) / dModel;
        LayerArgs args =
                new LayerArgs(
                        dModel,
                        seqLen,
                        new double[] {ratio, ratio},
                        NormLayer.layerNorm(1e-5),
                        MlpLayer.MLP,
                        BaseActivation.GELU,
                        dropout,
                        0f,
                        0.0);
        mixer = addChildBlock("Mixer", new MixerBlock(args));
        proj = addChildBlock("proj", Linear.builder().setUnits(dModel).build());
    }

    /**
     * @return the inner Mixer block
     */
    public MixerBlock getMixer() {
        return mixer;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList u = new NDList(inputs.head()); // (B, N, D), the normed tokens
        NDArray gate = mixer.forward(ps, u, training).head(); // (B, N, D)
        NDArray value = proj.forward(ps, u, training).head(); // (B, N, D)
        return new NDList(value.mul(gate)); // (B, N, D)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        mixer.initialize(manager, dataType, inputs[0]);
        proj.initialize(manager, dataType, inputs[0]);
    }
}
