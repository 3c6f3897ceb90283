package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Past Decomposable Mixing (Wang et al., ICLR 2024, "TimeMixer: Decomposable Multiscale Mixing for
 * Time Series Forecasting", section 3.1; the reference's {@code PastDecomposableMixing}): every
 * scale is split into season and trend; seasons are mixed bottom-up (fine to coarse, {@code
 * mixing_multi_scale_season.down_sampling_layers.i}: Linear(T_i -> T_i+1), GELU, Linear on the time
 * axis), trends top-down (coarse to fine, {@code mixing_multi_scale_trend.up_sampling_layers.j}, j
 * = 0 the coarsest pair); the two are summed per scale. With channel independence the sum goes
 * through {@code out_cross_layer} on d_model and is added to the block's input; without it, season
 * and trend go through {@code cross_layer} (shared) before the mixing and the sum is the output as
 * is. The reference's {@code layer_norm} and dropout are built but never used, so they are absent.
 *
 * <p>Shapes: NDList of D + 1 arrays (B', T_s, d_model) to the same.
 */
public final class PastDecomposableMixing extends AbstractBlock {

    private static final byte VERSION = 1;

    private final TimeMixerArgs args;
    private final Mixing season;
    private final Mixing trend;
    private final TwoLayerMlp outCrossLayer;
    private final TwoLayerMlp crossLayer;

    /**
     * @param args the architecture
     */
    public PastDecomposableMixing(TimeMixerArgs args) {
        super(VERSION);
        this.args = args;
        int d = args.downSamplingLayers();
        List<TwoLayerMlp> down = new ArrayList<>();
        for (int i = 0; i < d; i++) {
            down.add(new TwoLayerMlp(args.length(i), args.length(i + 1), args.length(i + 1)));
        }
        List<TwoLayerMlp> up = new ArrayList<>();
        for (int i = d - 1; i >= 0; i--) {
            up.add(new TwoLayerMlp(args.length(i + 1), args.length(i), args.length(i)));
        }
        season =
                addChildBlock(
                        "mixing_multi_scale_season", new Mixing("down_sampling_layers", down));
        trend = addChildBlock("mixing_multi_scale_trend", new Mixing("up_sampling_layers", up));
        outCrossLayer =
                addChildBlock(
                        "out_cross_layer",
                        new TwoLayerMlp(args.dModel(), args.dFf(), args.dModel()));
        crossLayer =
                args.channelIndependence()
                        ? null
                        : addChildBlock(
                                "cross_layer",
                                new TwoLayerMlp(args.dModel(), args.dFf(), args.dModel()));
    }

    /**
     * @param i the pair, 0 the finest
     * @return the season mixing Linear pair from scale i to i + 1
     */
    public TwoLayerMlp downSampling(int i) {
        return season.layers.get(i);
    }

    /**
     * @param j the pair, 0 the coarsest
     * @return the trend mixing Linear pair from scale D - j to D - 1 - j
     */
    public TwoLayerMlp upSampling(int j) {
        return trend.layers.get(j);
    }

    /**
     * @return {@code out_cross_layer}
     */
    public TwoLayerMlp outCrossLayer() {
        return outCrossLayer;
    }

    /**
     * @return {@code cross_layer}, null with channel independence
     */
    public TwoLayerMlp crossLayer() {
        return crossLayer;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        int scales = inputs.size();
        List<NDArray> seasons = new ArrayList<>(); // each (B', d_model, T_s): time last, to mix it
        List<NDArray> trends = new ArrayList<>(); // each (B', d_model, T_s)
        for (NDArray x : inputs) { // x: (B', T_s, d_model)
            NDList parts =
                    TimeMixerArgs.DFT_DECOMP.equals(args.decompMethod())
                            ? SeriesDecomposition.dft(x)
                            : SeriesDecomposition.movingAverage(x, args.movingAvg());
            NDArray s = parts.get(0); // (B', T_s, d_model)
            NDArray t = parts.get(1); // (B', T_s, d_model)
            if (crossLayer != null) {
                s = crossLayer.forward(ps, new NDList(s), training).head(); // (B', T_s, d_model)
                t = crossLayer.forward(ps, new NDList(t), training).head(); // (B', T_s, d_model)
            }
            seasons.add(s.transpose(0, 2, 1));
            trends.add(t.transpose(0, 2, 1));
        }
        // Season, bottom-up: out_0 = season_0; h = season_{i+1} + down_i(h)
        NDArray[] seasonOut = new NDArray[scales]; // each (B', d_model, T_s)
        NDArray h = seasons.get(0); // (B', d_model, T_0)
        seasonOut[0] = h;
        for (int i = 0; i < scales - 1; i++) {
            NDArray low = season.layers.get(i).forward(ps, new NDList(h), training).head();
            h = seasons.get(i + 1).add(low); // (B', d_model, T_{i+1})
            seasonOut[i + 1] = h;
        }
        // Trend, top-down: out_D = trend_D; h = trend_i + up_j(h), i = D - 1 - j
        NDArray[] trendOut = new NDArray[scales]; // each (B', d_model, T_s)
        NDArray g = trends.get(scales - 1); // (B', d_model, T_D)
        trendOut[scales - 1] = g;
        for (int j = 0; j < scales - 1; j++) {
            int i = scales - 2 - j;
            NDArray high = trend.layers.get(j).forward(ps, new NDList(g), training).head();
            g = trends.get(i).add(high); // (B', d_model, T_i)
            trendOut[i] = g;
        }
        NDList out = new NDList();
        for (int s = 0; s < scales; s++) {
            NDArray sum = seasonOut[s].add(trendOut[s]).transpose(0, 2, 1); // (B', T_s, d_model)
            if (args.channelIndependence()) {
                NDArray cross = outCrossLayer.forward(ps, new NDList(sum), training).head();
                sum = inputs.get(s).add(cross); // (B', T_s, d_model)
            }
            out.add(sum);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        season.initialize(manager, dataType, inputs);
        trend.initialize(manager, dataType, inputs);
        outCrossLayer.initialize(manager, dataType, new Shape(1, args.dModel()));
        if (crossLayer != null) {
            crossLayer.initialize(manager, dataType, new Shape(1, args.dModel()));
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /** {@code MultiScaleSeasonMixing} / {@code MultiScaleTrendMixing}: a holder of the list. */
    static final class Mixing extends AbstractBlock {

        final ModuleList<TwoLayerMlp> layers;

        Mixing(String name, List<TwoLayerMlp> layers) {
            super(VERSION);
            this.layers =
                    addChildBlock(
                            name,
                            new ModuleList<>(
                                    layers, i -> new Shape(1, layers.get(i).inFeatures())));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps,
                NDList inputs,
                boolean training,
                PairList<String, Object> params) {
            throw new UnsupportedOperationException("run by PastDecomposableMixing");
        }

        @Override
        protected void initializeChildBlocks(
                NDManager manager, DataType dataType, Shape... inputs) {
            layers.initialize(manager, dataType, inputs);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }
    }
}
