package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.HookPoint;
import ai.mlpzoo.blocks.common.InputContract;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A Kolmogorov-Arnold network (Liu et al. 2024): a stack of {@link KANLinear} layers of the given
 * widths, children {@code layers.N} as in efficient-kan's {@code KAN}. Each layer may have its own
 * options (grid size, order, range). The output is named {@code output}.
 *
 * <p>Shapes: (..., widths[0]) to (..., widths[last]). The forward trusts its input: entry points
 * check a request once with {@link #checkInput}. Hook points {@code layers.N}, each layer's output.
 */
public class KAN extends AbstractBlock implements HookPoint.Owner, InputContract {

    private static final byte VERSION = 1;

    private final int[] widths;
    private final List<KANLinear> layers = new ArrayList<>();
    private final List<HookPoint> hookLayers = new ArrayList<>();

    /**
     * Creates the network with the same options on every layer.
     *
     * @param widths the layer widths, at least two, e.g. {2, 5, 1}
     * @param opts the options of every layer
     */
    public KAN(int[] widths, KanOptions opts) {
        this(widths, l -> opts);
    }

    /**
     * Creates the network with per-layer options.
     *
     * @param widths the layer widths, at least two
     * @param opts layer index to its options
     */
    public KAN(int[] widths, IntFunction<KanOptions> opts) {
        super(VERSION);
        if (widths == null || widths.length < 2) {
            throw new IllegalArgumentException(
                    Checks.field("layers_hidden")
                            + " must list at least two widths (in and out), got "
                            + java.util.Arrays.toString(widths));
        }
        this.widths = widths.clone();
        for (int l = 0; l + 1 < widths.length; l++) {
            Checks.positive(widths[l], "layers_hidden[" + l + "]");
            Checks.positive(widths[l + 1], "layers_hidden[" + (l + 1) + "]");
            layers.add(
                    addChildBlock(
                            "layers." + l, new KANLinear(widths[l], widths[l + 1], opts.apply(l))));
            hookLayers.add(new HookPoint("layers." + l));
        }
    }

    private KAN(int[] widths, List<KANLinear> built) {
        super(VERSION);
        this.widths = widths.clone();
        for (int l = 0; l < built.size(); l++) {
            layers.add(addChildBlock("layers." + l, built.get(l)));
            hookLayers.add(new HookPoint("layers." + l));
        }
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        for (int i = 0; i < layers.size(); i++) {
            NDArray in = x;
            x =
                    hookLayers
                            .get(i)
                            .apply(in, layers.get(i).forward(ps, new NDList(in), training).head());
        }
        x.setName("output");
        return new NDList(x);
    }

    /**
     * Checks an input: last axis widths[0] and no NaN or infinity.
     *
     * @param x the input (..., widths[0])
     * @throws IllegalArgumentException naming the width the network takes, or the NaN
     */
    @Override
    public void checkInput(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() < 1 || s.get(s.dimension() - 1) != widths[0]) {
            throw new IllegalArgumentException(
                    "KAN input must have last axis " + widths[0] + ", got shape " + s);
        }
        Checks.requireFinite(x, "KAN input");
    }

    @Override
    public List<HookPoint> hookPoints() {
        return Collections.unmodifiableList(hookLayers);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(widths[widths.length - 1])};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape s = inputs[0];
        for (KANLinear layer : layers) {
            layer.initialize(manager, dataType, s);
            s = layer.getOutputShapes(new Shape[] {s})[0];
        }
    }

    /**
     * The sum of every layer's {@link KANLinear#regularizationLoss}.
     *
     * @param activation the L1 weight
     * @param entropy the entropy weight
     * @return a scalar array
     */
    public NDArray regularizationLoss(double activation, double entropy) {
        return regularizationLoss(
                layers.get(0).splineWeightParameter().getArray().getManager(), activation, entropy);
    }

    /**
     * The sum of every layer's {@link KANLinear#regularizationLoss}, intermediates owned by {@code
     * manager}.
     *
     * @param manager the owner of the result
     * @param activation the L1 weight
     * @param entropy the entropy weight
     * @return a scalar array
     */
    public NDArray regularizationLoss(NDManager manager, double activation, double entropy) {
        NDArray total = null;
        for (KANLinear layer : layers) {
            NDArray r = layer.regularizationLoss(manager, activation, entropy);
            total = total == null ? r : total.add(r);
        }
        return total;
    }

    /**
     * Updates every layer's grid from the activations it sees on {@code x}, in order (each layer
     * sees the previous, already updated layer's output), as efficient-kan's {@code forward(x,
     * update_grid=True)}.
     *
     * @param x the samples, (batch, widths[0])
     * @param margin the uniform grid margin (efficient-kan: 0.01)
     */
    public void updateGrid(NDArray x, double margin) {
        try (NDManager scope = x.getManager().newSubManager()) {
            // a copy owned by the scope: every intermediate then lives in the scope and is freed
            NDArray h = x.duplicate();
            h.attach(scope);
            ParameterStore ps = new ParameterStore(scope, false);
            for (KANLinear layer : layers) {
                layer.updateGrid(h, margin);
                h = layer.forward(ps, new NDList(h), false).head();
            }
        }
    }

    /**
     * Grid extension: a new network whose layers have {@code newGridSize} intervals, fitted to this
     * network's edge functions (pykan's {@code refine}).
     *
     * @param newGridSize G'
     * @param x samples for the new grids (batch, widths[0]), or null to keep each grid's range
     * @param margin the uniform grid margin
     * @param manager the owner of the new parameters
     * @return the new, initialised network
     */
    public KAN refine(int newGridSize, NDArray x, double margin, NDManager manager) {
        List<KANLinear> fine = new ArrayList<>();
        try (NDManager scope = manager.newSubManager()) {
            NDArray h = null;
            if (x != null) {
                h = x.duplicate();
                h.attach(scope);
            }
            ParameterStore ps = new ParameterStore(scope, false);
            for (KANLinear layer : layers) {
                fine.add(layer.refine(newGridSize, h, margin, manager));
                if (h != null) {
                    h = layer.forward(ps, new NDList(h), false).head();
                }
            }
        }
        KAN refined = new KAN(widths, fine);
        refined.initialize(manager, DataType.FLOAT32, new Shape(1, widths[0]));
        return refined;
    }

    /**
     * @return the layers, in order
     */
    public List<KANLinear> getLayers() {
        return Collections.unmodifiableList(layers);
    }

    /**
     * @return the widths, a copy
     */
    public int[] getWidths() {
        return widths.clone();
    }
}
