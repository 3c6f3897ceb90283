package ai.mlpzoo.blocks.timeseries.patchtsmixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.kan.BaseActivation;
import ai.mlpzoo.blocks.mixer.Mlp;

/**
 * One of PatchTSMixer's three mixers (Ekambaram et al., "TSMixer: Lightweight MLP-Mixer Model for
 * Multivariate Time Series Forecasting", KDD 2023, arXiv:2306.09364, section 4), as Hugging Face's
 * {@code PatchMixerBlock}, {@code FeatureMixerBlock} and {@code
 * PatchTSMixerChannelFeatureMixerBlock}: a residual MLP (fc1, exact GELU, dropout, fc2, dropout)
 * over one axis of the normed (B, C, patches, d_model) hidden state, with optional gated attention
 * ({@code h * softmax(attn_layer(h))} over the mixed axis).
 *
 * <ul>
 *   <li>{@link Axis#PATCH}: mixes the patches; gate after the MLP; optional self-attention over the
 *       patches of the normed input, added back through a second norm ({@code norm_attn}).
 *   <li>{@link Axis#FEATURE}: mixes d_model; gate after the MLP.
 *   <li>{@link Axis#CHANNEL} ({@code mix_channel} mode only): mixes the channels; the gate comes
 *       BEFORE the MLP, as the reference does.
 * </ul>
 *
 * <p>Children (the state-dict names): {@code norm.norm[.batchnorm]}, {@code mlp} ({@code fc1},
 * {@code fc2}), {@code gating_block.attn_layer}, {@code self_attn_layer}, {@code
 * norm_attn.norm[.batchnorm]}, each where present. Shapes: (B, C, P, d_model) to the same.
 */
public class PatchTsMixerBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The axis a mixer mixes. */
    public enum Axis {
        /** The patches (axis 2). */
        PATCH,
        /** d_model (axis 3). */
        FEATURE,
        /** The channels (axis 1). */
        CHANNEL
    }

    private final Axis axis;
    private final int size;
    private final Block norm;
    private final Mlp mlp;
    private final Linear gate;
    private final PatchAttention selfAttn;
    private final Block normAttn;

    /**
     * Creates a mixer.
     *
     * @param axis what it mixes
     * @param size the size of that axis (num_patches, d_model or num_input_channels)
     * @param dModel d_model, what the norms normalise
     * @param expansion the MLP's expansion factor
     * @param dropout the MLP's (and the attention's) dropout while training
     * @param gated whether gated attention follows (or, for channels, precedes) the MLP
     * @param normKind LayerNorm or BatchNorm
     * @param eps the norms' epsilon
     * @param selfAttnHeads heads of the self-attention over patches, 0 for none (patch mixer only)
     */
    public PatchTsMixerBlock(
            Axis axis,
            int size,
            int dModel,
            int expansion,
            float dropout,
            boolean gated,
            MlpNorm normKind,
            double eps,
            int selfAttnHeads) {
        super(VERSION);
        this.axis = axis;
        this.size = size;
        norm = addChildBlock(normKind.childName("norm"), normKind.create(dModel, eps));
        mlp = addChildBlock("mlp", new Mlp(size * expansion, size, BaseActivation.GELU, dropout));
        gate =
                gated
                        ? addChildBlock(
                                "gating_block.attn_layer", Linear.builder().setUnits(size).build())
                        : null;
        if (selfAttnHeads > 0 && axis == Axis.PATCH) {
            selfAttn =
                    addChildBlock(
                            "self_attn_layer", new PatchAttention(dModel, selfAttnHeads, dropout));
            normAttn = addChildBlock(normKind.childName("norm_attn"), normKind.create(dModel, eps));
        } else {
            selfAttn = null;
            normAttn = null;
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, C, P, D)
        NDArray h = norm.forward(ps, inputs, training).head(); // (B, C, P, D)
        Shape s = x.getShape();
        switch (axis) {
            case PATCH:
                {
                    NDArray attn = null;
                    if (selfAttn != null) {
                        NDArray flat = h.reshape(s.get(0) * s.get(1), s.get(2), s.get(3));
                        attn =
                                selfAttn.forward(ps, new NDList(flat), training)
                                        .head()
                                        .reshape(s); // (B, C, P, D)
                    }
                    NDArray t = h.transpose(0, 1, 3, 2); // (B, C, D, P)
                    t = mlp.forward(ps, new NDList(t), training).head(); // (B, C, D, P)
                    t = gate(ps, t, training).transpose(0, 1, 3, 2); // (B, C, P, D)
                    if (attn != null) {
                        t = normAttn.forward(ps, new NDList(t.add(attn)), training).head();
                    }
                    return new NDList(t.add(x));
                }
            case FEATURE:
                {
                    NDArray t = mlp.forward(ps, new NDList(h), training).head(); // (B, C, P, D)
                    return new NDList(gate(ps, t, training).add(x));
                }
            default:
                {
                    NDArray t = h.transpose(0, 3, 2, 1); // (B, D, P, C)
                    t = gate(ps, t, training); // gate first for the channel mixer
                    t = mlp.forward(ps, new NDList(t), training).head(); // (B, D, P, C)
                    return new NDList(t.transpose(0, 3, 2, 1).add(x)); // (B, C, P, D)
                }
        }
    }

    /** h * softmax(attn_layer(h)) over the last axis, or h when ungated. */
    private NDArray gate(ParameterStore ps, NDArray h, boolean training) {
        if (gate == null) {
            return h;
        }
        NDArray w = gate.forward(ps, new NDList(h), training).head().softmax(-1); // as h
        return h.mul(w);
    }

    /**
     * @return the mixed axis
     */
    public Axis getAxis() {
        return axis;
    }

    /**
     * @return the size of the mixed axis
     */
    public int getSize() {
        return size;
    }

    /**
     * @return the norm before the MLP
     */
    public Block getNorm() {
        return norm;
    }

    /**
     * @return the MLP
     */
    public Mlp getMlp() {
        return mlp;
    }

    /**
     * @return the gate's Linear, or null
     */
    public Linear getGate() {
        return gate;
    }

    /**
     * @return the self-attention, or null
     */
    public PatchAttention getSelfAttention() {
        return selfAttn;
    }

    /**
     * @return the norm after the self-attention, or null
     */
    public Block getNormAttention() {
        return normAttn;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0]; // (B, C, P, D)
        norm.initialize(manager, dataType, s);
        Shape mixed;
        switch (axis) {
            case PATCH:
                mixed = new Shape(s.get(0), s.get(1), s.get(3), s.get(2));
                break;
            case FEATURE:
                mixed = s;
                break;
            default:
                mixed = new Shape(s.get(0), s.get(3), s.get(2), s.get(1));
                break;
        }
        mlp.initialize(manager, dataType, mixed);
        if (gate != null) {
            gate.initialize(manager, dataType, mixed);
        }
        if (selfAttn != null) {
            selfAttn.initialize(
                    manager, dataType, new Shape(s.get(0) * s.get(1), s.get(2), s.get(3)));
            normAttn.initialize(manager, dataType, s);
        }
    }
}
