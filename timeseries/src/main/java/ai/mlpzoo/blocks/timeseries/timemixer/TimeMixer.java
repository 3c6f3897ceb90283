package ai.mlpzoo.blocks.timeseries.timemixer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.timeseries.Forecaster;
import ai.mlpzoo.blocks.timeseries.RevIn;
import java.util.ArrayList;
import java.util.List;

/**
 * TimeMixer (Wang et al., ICLR 2024, "TimeMixer: Decomposable Multiscale Mixing for Time Series
 * Forecasting", arXiv:2405.14616), long-term forecasting, as the reference {@code
 * models/TimeMixer.py} of github.com/kwuking/TimeMixer computes it; children and parameters carry
 * the reference's state-dict names.
 *
 * <ol>
 *   <li>Multiscale inputs: x_0 = x, x_{s+1} = avg- or max-pool of x_s over time (kernel = stride =
 *       down_sampling_window); marks subsampled as mark[:, ::window].
 *   <li>RevIN per scale ({@code normalize_layers.s}).
 *   <li>Channel independence: (B, T, N) to (B*N, T, 1), row r = sample r / N, channel r % N. The
 *       marks are repeated as the reference's {@code x_mark.repeat(N, 1, 1)}: row r gets the marks
 *       of sample r % B, not r / N. For B > 1 the rows get another sample's marks; this port keeps
 *       it, because an imported checkpoint was trained (and is evaluated) that way.
 *   <li>Without channel independence: each scale's moving-average season is embedded and its trend
 *       kept for the future mixing's residual path.
 *   <li>Embedding ({@link DataEmbedding}), e_layers {@link PastDecomposableMixing} blocks.
 *   <li>Future multipredictor mixing: per scale {@code predict_layers.s} (T_s -> pred_len on time)
 *       and {@code projection_layer} (d_model -> 1, or -> c_out), plus, without channel
 *       independence, {@code regression_layers.s(out_res_layers.s(trend))}; summed over scales.
 *   <li>De-normalisation with the statistics of scale 0.
 * </ol>
 *
 * <p>Forward: NDList(values (B, seq_len, enc_in)) or NDList(values, marks (B, seq_len, features))
 * to NDList(forecast (B, pred_len, c_out)). Marks are used whenever they are passed; {@link
 * #timeFeatures()} says whether the model expects them (a model trained with marks should get
 * them). Dropout acts after the embedding in training mode, as in the reference.
 */
public final class TimeMixer extends AbstractBlock implements Forecaster {

    private static final byte VERSION = 1;

    private final TimeMixerArgs args;
    private final DataEmbedding encEmbedding;
    private final ModuleList<RevIn> normalizeLayers;
    private final ModuleList<PastDecomposableMixing> pdmBlocks;
    private final ModuleList<Linear> predictLayers;
    private final Linear projectionLayer;
    private final ModuleList<Linear> outResLayers;
    private final ModuleList<Linear> regressionLayers;

    /**
     * Builds the model.
     *
     * @param args the architecture
     * @throws IllegalArgumentException naming a bad field
     */
    public TimeMixer(TimeMixerArgs args) {
        super(VERSION);
        this.args = args.validate();
        boolean ci = args.channelIndependence();
        encEmbedding =
                addChildBlock(
                        "enc_embedding",
                        new DataEmbedding(
                                ci ? 1 : args.encIn(),
                                args.dModel(),
                                args.markFeatures(),
                                args.dropout()));
        List<RevIn> norms = new ArrayList<>();
        List<PastDecomposableMixing> pdms = new ArrayList<>();
        List<Linear> predicts = new ArrayList<>();
        for (int s = 0; s < args.scales(); s++) {
            norms.add(new RevIn(args.encIn(), args.useNorm()));
            predicts.add(Linear.builder().setUnits(args.predLen()).build());
        }
        for (int l = 0; l < args.eLayers(); l++) {
            pdms.add(new PastDecomposableMixing(args));
        }
        normalizeLayers =
                addChildBlock(
                        "normalize_layers",
                        new ModuleList<>(norms, s -> new Shape(1, args.length(s), args.encIn())));
        pdmBlocks =
                addChildBlock(
                        "pdm_blocks",
                        new ModuleList<>(pdms, l -> new Shape(1, args.seqLen(), args.dModel())));
        predictLayers =
                addChildBlock(
                        "predict_layers",
                        new ModuleList<>(predicts, s -> new Shape(1, args.length(s))));
        projectionLayer =
                addChildBlock(
                        "projection_layer",
                        Linear.builder().setUnits(ci ? 1 : args.cOut()).build());
        if (ci) {
            outResLayers = null;
            regressionLayers = null;
        } else {
            List<Linear> res = new ArrayList<>();
            List<Linear> reg = new ArrayList<>();
            for (int s = 0; s < args.scales(); s++) {
                res.add(Linear.builder().setUnits(args.length(s)).build());
                reg.add(Linear.builder().setUnits(args.predLen()).build());
            }
            outResLayers =
                    addChildBlock(
                            "out_res_layers",
                            new ModuleList<>(res, s -> new Shape(1, args.length(s))));
            regressionLayers =
                    addChildBlock(
                            "regression_layers",
                            new ModuleList<>(reg, s -> new Shape(1, args.length(s))));
        }
    }

    /**
     * @return the architecture
     */
    public TimeMixerArgs args() {
        return args;
    }

    /**
     * @return the embedding
     */
    public DataEmbedding encEmbedding() {
        return encEmbedding;
    }

    /**
     * @return {@code normalize_layers}, one per scale
     */
    public List<RevIn> normalizeLayers() {
        return normalizeLayers.items();
    }

    /**
     * @return {@code pdm_blocks}
     */
    public List<PastDecomposableMixing> pdmBlocks() {
        return pdmBlocks.items();
    }

    /**
     * @return {@code predict_layers}, one per scale
     */
    public List<Linear> predictLayers() {
        return predictLayers.items();
    }

    /**
     * @return {@code projection_layer}
     */
    public Linear projectionLayer() {
        return projectionLayer;
    }

    /**
     * @return {@code out_res_layers}, empty with channel independence
     */
    public List<Linear> outResLayers() {
        return outResLayers == null ? List.of() : outResLayers.items();
    }

    /**
     * @return {@code regression_layers}, empty with channel independence
     */
    public List<Linear> regressionLayers() {
        return regressionLayers == null ? List.of() : regressionLayers.items();
    }

    @Override
    public int contextLength() {
        return args.seqLen();
    }

    @Override
    public int horizon() {
        return args.predLen();
    }

    @Override
    public int inputChannels() {
        return args.encIn();
    }

    @Override
    public int outputChannels() {
        return args.cOut();
    }

    @Override
    public int timeFeatures() {
        return args.useTimeMarks() ? args.markFeatures() : 0;
    }

    @Override
    public void checkInput(NDArray input) {
        Checks.requireShape(
                input, "TimeMixer input (batch, seq_len, enc_in)", -1, args.seqLen(), args.encIn());
        Checks.requireFinite(input, "TimeMixer input");
    }

    /**
     * Checks a batch of time marks against the values they go with.
     *
     * @param marks (B, seq_len, features)
     * @param batch B
     * @throws IllegalArgumentException naming the expected shape
     */
    public void checkMarks(NDArray marks, long batch) {
        Checks.requireShape(
                marks,
                "TimeMixer time marks (batch, seq_len, features)",
                batch,
                args.seqLen(),
                args.markFeatures());
        Checks.requireFinite(marks, "TimeMixer time marks");
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(forwardWithScales(ps, inputs, training).get(0));
    }

    /**
     * The forward, also returning each scale's prediction before the sum (the reference's {@code
     * dec_out_list}, normalised space).
     *
     * @param ps the parameter store
     * @param inputs values (B, seq_len, enc_in) [+ marks (B, seq_len, features)]
     * @param training whether training (dropout)
     * @return NDList(forecast (B, pred_len, c_out), scale_0 ... scale_D (B, pred_len, c_out))
     */
    public NDList forwardWithScales(ParameterStore ps, NDList inputs, boolean training) {
        NDArray x = inputs.get(0); // (B, T, N)
        NDArray marks = inputs.size() > 1 ? inputs.get(1) : null; // (B, T, F) or none
        long b = x.getShape().get(0);
        long n = x.getShape().get(2);
        boolean ci = args.channelIndependence();
        int scales = args.scales();
        int w = args.downSamplingWindow();

        // 1. Multiscale inputs
        List<NDArray> xs = new ArrayList<>(); // each (B, T_s, N)
        List<NDArray> ms = new ArrayList<>(); // each (B, T_s, F)
        xs.add(x);
        ms.add(marks);
        NDArray cur = x.transpose(0, 2, 1); // (B, N, T_0)
        for (int s = 1; s < scales; s++) {
            Shape k = new Shape(w);
            cur =
                    "max".equals(args.downSamplingMethod())
                            ? Pool.maxPool1d(cur, k, k, new Shape(0), false)
                            : Pool.avgPool1d(cur, k, k, new Shape(0), false, true); // (B, N, T_s)
            xs.add(cur.transpose(0, 2, 1)); // (B, T_s, N)
            ms.add(marks == null ? null : ms.get(s - 1).get(":, ::{}, :", w)); // (B, T_s, F)
        }

        // 2-3. RevIN per scale, channel independence
        NDArray mean0 = null; // (B, 1, N)
        NDArray stdev0 = null; // (B, 1, N)
        List<NDArray> normed = new ArrayList<>(); // each (B, T_s, N), or (B*N, T_s, 1) with ci
        List<NDArray> marksIn = new ArrayList<>(); // each (B, T_s, F), or (N*B, T_s, F) with ci
        for (int s = 0; s < scales; s++) {
            NDList r = normalizeLayers.get(s).forward(ps, new NDList(xs.get(s)), training);
            if (s == 0) {
                mean0 = r.get(1);
                stdev0 = r.get(2);
            }
            NDArray xn = r.get(0); // (B, T_s, N)
            long t = xn.getShape().get(1);
            NDArray m = ms.get(s);
            if (ci) {
                xn = xn.transpose(0, 2, 1).reshape(b * n, t, 1); // (B*N, T_s, 1)
                // x_mark.repeat(N, 1, 1): the whole batch tiled N times, row r = sample r % B
                m = m == null ? null : m.tile(new long[] {n, 1, 1}); // (N*B, T_s, F)
            }
            normed.add(xn);
            marksIn.add(m);
        }

        // 4. Without channel independence: embed the season, keep the trend for the residual
        List<NDArray> residual = new ArrayList<>(); // each (B, T_s, N)
        if (!ci) {
            for (int s = 0; s < scales; s++) {
                NDList parts = SeriesDecomposition.movingAverage(normed.get(s), args.movingAvg());
                normed.set(s, parts.get(0)); // season (B, T_s, N)
                residual.add(parts.get(1)); // trend (B, T_s, N)
            }
        }

        // 5. Embedding
        NDList enc = new NDList(); // each (B', T_s, d_model)
        for (int s = 0; s < scales; s++) {
            NDList in =
                    marksIn.get(s) == null
                            ? new NDList(normed.get(s))
                            : new NDList(normed.get(s), marksIn.get(s));
            enc.add(encEmbedding.forward(ps, in, training).head());
        }

        // 6. Past decomposable mixing
        for (PastDecomposableMixing pdm : pdmBlocks.items()) {
            enc = pdm.forward(ps, enc, training);
        }

        // 7. Future multipredictor mixing
        NDList out = new NDList();
        NDArray sum = null; // (B, pred_len, c_out)
        for (int s = 0; s < scales; s++) {
            NDArray e = enc.get(s).transpose(0, 2, 1); // (B', d_model, T_s)
            NDArray p =
                    predictLayers.get(s).forward(ps, new NDList(e), training).head(); // (B', d, P)
            p = p.transpose(0, 2, 1); // (B', pred_len, d_model)
            NDArray y = projectionLayer.forward(ps, new NDList(p), training).head();
            if (ci) {
                // (B*N, pred_len, 1) -> (B, N, pred_len) -> (B, pred_len, N)
                y = y.reshape(b, n, args.predLen()).transpose(0, 2, 1);
            } else {
                NDArray r = residual.get(s).transpose(0, 2, 1); // (B, N, T_s)
                r = outResLayers.get(s).forward(ps, new NDList(r), training).head(); // (B,N,T_s)
                r = regressionLayers.get(s).forward(ps, new NDList(r), training).head(); // (B,N,P)
                y = y.add(r.transpose(0, 2, 1)); // (B, pred_len, c_out)
            }
            out.add(y);
            sum = sum == null ? y : sum.add(y);
        }

        // 8. De-normalise with scale 0's statistics
        NDArray forecast =
                normalizeLayers.get(0).denormalize(ps, sum, mean0, stdev0, training); // (B,P,N)
        out.add(0, forecast);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        Shape any = new Shape(1, args.seqLen(), args.encIn());
        encEmbedding.initialize(
                manager,
                dataType,
                new Shape(1, args.seqLen(), args.channelIndependence() ? 1 : args.encIn()));
        normalizeLayers.initialize(manager, dataType, any);
        pdmBlocks.initialize(manager, dataType, any);
        predictLayers.initialize(manager, dataType, any);
        projectionLayer.initialize(manager, dataType, new Shape(1, args.dModel()));
        if (outResLayers != null) {
            outResLayers.initialize(manager, dataType, any);
            regressionLayers.initialize(manager, dataType, any);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), args.predLen(), args.cOut())};
    }
}
