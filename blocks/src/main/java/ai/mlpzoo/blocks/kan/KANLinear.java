package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * One Kolmogorov-Arnold layer (Liu et al. 2024, "KAN: Kolmogorov-Arnold Networks") in
 * efficient-kan's formulation: every edge i -> j carries phi_ji(x) = w_ji b(x_i) + s_ji sum_c c_jic
 * B_c(x_i), with b the base activation (SiLU), B_c the order-k B-spline bases on input i's grid and
 * s_ji the standalone spline scaler. The bases are computed once for the batch and contracted with
 * (spline_weight * spline_scaler) in ONE matrix multiply, so nothing of size batch x in x out is
 * materialised.
 *
 * <p>Parameters, named as efficient-kan's state dict: {@code grid} (in, G + 2k + 1), a buffer that
 * is saved with the weights but frozen (never trained); {@code base_weight} (out, in); {@code
 * spline_weight} (out, in, G + k); {@code spline_scaler} (out, in) when enabled.
 *
 * <p>Shapes: (..., in) to (..., out).
 */
public class KANLinear extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int in;
    private final int out;
    private final KanOptions opts;
    private final Parameter grid;
    private final Parameter baseWeight;
    private final Parameter splineWeight;
    private final Parameter splineScaler;

    /**
     * Creates the layer.
     *
     * @param in the input width
     * @param out the output width
     * @param opts G, k, grid range, scales, base activation
     */
    public KANLinear(int in, int out, KanOptions opts) {
        super(VERSION);
        this.in = Checks.positive(in, "in_features");
        this.out = Checks.positive(out, "out_features");
        this.opts = opts;
        grid =
                addParameter(
                        Parameter.builder()
                                .setName("grid")
                                .setType(Parameter.Type.OTHER)
                                .optRequiresGrad(false)
                                .optShape(new Shape(in, opts.numKnots()))
                                .optInitializer(gridInit())
                                .build());
        double a = Math.sqrt(5) * opts.scaleBase();
        baseWeight =
                addParameter(
                        Parameter.builder()
                                .setName("base_weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(out, in))
                                .optInitializer(kaimingUniform(a, in))
                                .build());
        // efficient-kan fits its noise curve by least squares; uniform noise of the same spread
        // starts at the same scale without a solve at initialisation
        double spread = opts.scaleNoise() / (2.0 * opts.gridSize());
        double scale = opts.standaloneScaler() ? 1.0 : opts.scaleSpline();
        splineWeight =
                addParameter(
                        Parameter.builder()
                                .setName("spline_weight")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(out, in, opts.numBases()))
                                .optInitializer(uniform(spread * scale))
                                .build());
        splineScaler =
                opts.standaloneScaler()
                        ? addParameter(
                                Parameter.builder()
                                        .setName("spline_scaler")
                                        .setType(Parameter.Type.WEIGHT)
                                        .optShape(new Shape(out, in))
                                        .optInitializer(
                                                kaimingUniform(
                                                        Math.sqrt(5) * opts.scaleSpline(), in))
                                        .build())
                        : null;
    }

    private Initializer gridInit() {
        double[] t =
                BSplines.uniformKnots(
                        opts.gridSize(), opts.splineOrder(), opts.gridLo(), opts.gridHi());
        return (manager, shape, dataType) -> {
            float[] data = new float[in * t.length];
            for (int i = 0; i < in; i++) {
                for (int j = 0; j < t.length; j++) {
                    data[i * t.length + j] = (float) t[j];
                }
            }
            return manager.create(data, shape).toType(dataType, false);
        };
    }

    /** PyTorch's kaiming_uniform_(a): U(-b, b), b = sqrt(6 / ((1 + a^2) fan_in)). */
    private static Initializer kaimingUniform(double a, int fanIn) {
        float bound = (float) Math.sqrt(6.0 / ((1 + a * a) * fanIn));
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType);
    }

    private static Initializer uniform(double bound) {
        return (manager, shape, dataType) ->
                manager.randomUniform((float) -bound, (float) bound, shape, dataType);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        Shape shape = x.getShape();
        if (shape.dimension() < 1 || shape.get(shape.dimension() - 1) != in) {
            throw new IllegalArgumentException(
                    "KANLinear input must have last axis " + in + ", got shape " + shape);
        }
        NDManager m = x.getManager();
        NDArray flat = x.reshape(-1, in); // (batch, in)
        NDArray t = Local.copy(ps.getValue(grid, x.getDevice(), training), m); // (in, G + 2k + 1)
        NDArray wb = ps.getValue(baseWeight, x.getDevice(), training); // (out, in)
        // Linear.linear runs on its input's manager: no parameter-owned intermediates
        NDArray base = Linear.linear(opts.baseActivation().apply(flat), wb).head(); // (batch, out)
        NDArray bases = BSplines.bases(flat, t, opts.splineOrder()); // (batch, in, G + k)
        NDArray w = scaledSplineWeight(ps, m, training); // (out, in, G + k)
        long b = flat.getShape().get(0);
        NDArray spline =
                Linear.linear(
                                bases.reshape(b, (long) in * opts.numBases()),
                                w.reshape(out, (long) in * opts.numBases()))
                        .head(); // (batch, out)
        Shape outShape = shape.slice(0, shape.dimension() - 1).add(out);
        return new NDList(base.add(spline).reshape(outShape));
    }

    /** (out, in, G + k): spline_weight * spline_scaler, owned by {@code m}. */
    private NDArray scaledSplineWeight(ParameterStore ps, NDManager m, boolean training) {
        ai.djl.Device device = m.getDevice();
        NDArray w = Local.copy(ps.getValue(splineWeight, device, training), m);
        if (splineScaler == null) {
            return w;
        }
        return w.mul(Local.copy(ps.getValue(splineScaler, device, training), m).expandDims(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(out)};
    }

    /**
     * efficient-kan's stand-in for the paper's regulariser, from the weights alone: with l_ji =
     * mean_c |spline_weight_jic|, L = act * sum l + ent * (-sum p log p), p = l / sum l. It is
     * differentiable, so it can be added to a training loss.
     *
     * @param activation the L1 term's weight
     * @param entropy the entropy term's weight
     * @return a scalar array, shape ()
     */
    public NDArray regularizationLoss(double activation, double entropy) {
        return regularizationLoss(splineWeight.getArray().getManager(), activation, entropy);
    }

    /**
     * {@link #regularizationLoss(double, double)} with every intermediate owned by {@code manager}
     * (use a per-step manager in a training loop).
     *
     * @param manager the owner of the result and intermediates
     * @param activation the L1 term's weight
     * @param entropy the entropy term's weight
     * @return a scalar array, shape ()
     */
    public NDArray regularizationLoss(NDManager manager, double activation, double entropy) {
        NDArray w = Local.copy(splineWeight.getArray(), manager); // (out, in, G + k)
        NDArray l1 = w.abs().mean(new int[] {2}); // (out, in)
        NDArray total = l1.sum();
        NDArray p = l1.div(total);
        // p log p -> 0 as p -> 0; the tiny offset keeps an all-zero edge from giving 0 * -inf = NaN
        NDArray ent = p.mul(p.add(1e-30f).log()).sum().neg();
        return Scalars.mul(total, (float) activation).add(Scalars.mul(ent, (float) entropy));
    }

    /**
     * Moves the grid to the distribution of {@code x} (see {@link GridUpdate}) and refits
     * spline_weight by least squares so that the layer computes the same function on {@code x}. The
     * fit targets the scaled curve s_ji B(x) c_ji and divides the scaler back out, which
     * efficient-kan forgets; it runs in double precision (see {@link LeastSquares}).
     *
     * @param x the samples this layer sees, (batch, in), finite
     * @param margin the uniform grid's margin beyond the sample range (efficient-kan: 0.01)
     */
    public void updateGrid(NDArray x, double margin) {
        double[][] cols = columns(x);
        KanEdges edges = KanEdges.of(this);
        double[][] newKnots = new double[in][];
        for (int i = 0; i < in; i++) {
            newKnots[i] =
                    GridUpdate.knots(
                            cols[i], opts.gridSize(), opts.splineOrder(), margin, opts.gridEps());
        }
        double[][][] coeff =
                SplineFit.refit(edges, cols, newKnots, opts.splineOrder(), opts.numBases());
        write(newKnots, coeff, edges.scalers());
    }

    /**
     * Grid extension (pykan's refine): a new layer with G' intervals whose splines are fitted by
     * least squares to this layer's curves, on the samples and on a dense uniform sweep of the grid
     * (so that no new basis is left without data). Base weights and scalers are copied.
     *
     * @param newGridSize G'
     * @param x the samples this layer sees, (batch, in), or null to keep the current grid range
     * @param margin the uniform grid's margin beyond the samples
     * @param manager the owner of the new layer's parameters
     * @return the new, initialised layer
     */
    public KANLinear refine(int newGridSize, NDArray x, double margin, NDManager manager) {
        KanOptions o = opts.withGridSize(newGridSize);
        KANLinear fine = new KANLinear(in, out, o);
        fine.initialize(manager, DataType.FLOAT32, new Shape(1, in));
        KanEdges edges = KanEdges.of(this);
        double[][] cols = x == null ? null : columns(x);
        double[][] newKnots = new double[in][];
        double[][] points = new double[in][];
        for (int i = 0; i < in; i++) {
            double[] t = edges.knots(i);
            int k = opts.splineOrder();
            double lo = t[k];
            double hi = t[t.length - 1 - k];
            newKnots[i] =
                    cols == null
                            ? BSplines.uniformKnots(newGridSize, k, lo, hi)
                            : GridUpdate.knots(cols[i], newGridSize, k, margin, o.gridEps());
            points[i] =
                    SplineFit.withSweep(
                            cols == null ? new double[0] : cols[i],
                            newKnots[i],
                            k,
                            4 * o.numBases());
        }
        double[][][] coeff =
                SplineFit.refit(edges, points, newKnots, o.splineOrder(), o.numBases());
        fine.write(newKnots, coeff, edges.scalers());
        copy(baseWeight, fine.baseWeight);
        if (splineScaler != null) {
            copy(splineScaler, fine.splineScaler);
        }
        return fine;
    }

    private static void copy(Parameter from, Parameter to) {
        from.getArray().copyTo(to.getArray());
    }

    /** Writes knots (in x n) and scaled coefficients (out x in x c), dividing the scalers out. */
    private void write(double[][] knots, double[][][] scaled, double[][] scalers) {
        int n = knots[0].length;
        float[] g = new float[in * n];
        for (int i = 0; i < in; i++) {
            for (int j = 0; j < n; j++) {
                g[i * n + j] = (float) knots[i][j];
            }
        }
        int c = scaled[0][0].length;
        float[] w = new float[out * in * c];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                double s = scalers == null ? 1 : scalers[o][i];
                for (int q = 0; q < c; q++) {
                    // a zero scaler switches the spline off: any coefficient keeps the function
                    w[(o * in + i) * c + q] = s == 0 ? 0f : (float) (scaled[o][i][q] / s);
                }
            }
        }
        NDArray gArr = grid.getArray();
        NDArray wArr = splineWeight.getArray();
        try (NDArray ng = gArr.getManager().create(g, gArr.getShape());
                NDArray nw = wArr.getManager().create(w, wArr.getShape())) {
            ng.toType(gArr.getDataType(), false).copyTo(gArr);
            nw.toType(wArr.getDataType(), false).copyTo(wArr);
        }
    }

    private double[][] columns(NDArray x) {
        Checks.requireShape(x, "grid-update samples", -1, in);
        Checks.requireFinite(x, "grid-update samples");
        int b = (int) x.getShape().get(0);
        if (b < 1) {
            throw new IllegalArgumentException("grid update needs at least one sample");
        }
        float[] v = x.toType(DataType.FLOAT32, false).toFloatArray();
        double[][] cols = new double[in][b];
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < in; i++) {
                cols[i][r] = v[r * in + i];
            }
        }
        return cols;
    }

    /**
     * @return the input width
     */
    public int getInFeatures() {
        return in;
    }

    /**
     * @return the output width
     */
    public int getOutFeatures() {
        return out;
    }

    /**
     * @return G, k and the other hyper-parameters
     */
    public KanOptions getOptions() {
        return opts;
    }

    Parameter gridParameter() {
        return grid;
    }

    Parameter baseWeightParameter() {
        return baseWeight;
    }

    Parameter splineWeightParameter() {
        return splineWeight;
    }

    Parameter splineScalerParameter() {
        return splineScaler;
    }
}
