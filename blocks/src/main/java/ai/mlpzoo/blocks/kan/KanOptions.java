package ai.mlpzoo.blocks.kan;

import ai.mlpzoo.blocks.common.Checks;

/**
 * The per-layer hyper-parameters of a B-spline {@link KANLinear}, with efficient-kan's defaults (G
 * = 5, k = 3, grid [-1, 1], SiLU base, standalone spline scaler, grid_eps 0.02). Immutable: each
 * {@code with...} returns a copy, so one options object can seed every layer of a {@link KAN}.
 */
public final class KanOptions {

    private int gridSize = 5;
    private int splineOrder = 3;
    private double gridLo = -1;
    private double gridHi = 1;
    private double scaleNoise = 0.1;
    private double scaleBase = 1.0;
    private double scaleSpline = 1.0;
    private boolean standaloneScaler = true;
    private BaseActivation baseActivation = BaseActivation.SILU;
    private double gridEps = 0.02;

    /**
     * @return efficient-kan's defaults
     */
    public static KanOptions defaults() {
        return new KanOptions();
    }

    private KanOptions copy() {
        KanOptions o = new KanOptions();
        o.gridSize = gridSize;
        o.splineOrder = splineOrder;
        o.gridLo = gridLo;
        o.gridHi = gridHi;
        o.scaleNoise = scaleNoise;
        o.scaleBase = scaleBase;
        o.scaleSpline = scaleSpline;
        o.standaloneScaler = standaloneScaler;
        o.baseActivation = baseActivation;
        o.gridEps = gridEps;
        return o;
    }

    /**
     * @param g the number of grid intervals G, at least 1
     * @return a copy with that G
     */
    public KanOptions withGridSize(int g) {
        KanOptions o = copy();
        o.gridSize = Checks.positive(g, "grid_size");
        return o;
    }

    /**
     * @param k the spline order k (3 = cubic), at least 1
     * @return a copy with that order
     */
    public KanOptions withSplineOrder(int k) {
        KanOptions o = copy();
        o.splineOrder = Checks.positive(k, "spline_order");
        return o;
    }

    /**
     * @param lo the initial grid's lower end
     * @param hi its upper end, above lo
     * @return a copy with that range
     */
    public KanOptions withGridRange(double lo, double hi) {
        if (!(lo < hi) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException(
                    Checks.field("grid_range")
                            + " must be [lo, hi] with lo < hi, both finite, got ["
                            + lo
                            + ", "
                            + hi
                            + "]");
        }
        KanOptions o = copy();
        o.gridLo = lo;
        o.gridHi = hi;
        return o;
    }

    /**
     * @param noise the spread of the initial spline coefficients (efficient-kan scale_noise)
     * @param base the base weight's Kaiming gain factor (scale_base)
     * @param spline the spline scaler's Kaiming gain factor (scale_spline)
     * @return a copy with those scales
     */
    public KanOptions withScales(double noise, double base, double spline) {
        Checks.nonNegative(noise, "scale_noise");
        Checks.nonNegative(base, "scale_base");
        Checks.nonNegative(spline, "scale_spline");
        KanOptions o = copy();
        o.scaleNoise = noise;
        o.scaleBase = base;
        o.scaleSpline = spline;
        return o;
    }

    /**
     * @param enabled whether each edge has its own spline scaler (efficient-kan's default)
     * @return a copy
     */
    public KanOptions withStandaloneScaler(boolean enabled) {
        KanOptions o = copy();
        o.standaloneScaler = enabled;
        return o;
    }

    /**
     * @param activation the base activation
     * @return a copy
     */
    public KanOptions withBaseActivation(BaseActivation activation) {
        KanOptions o = copy();
        o.baseActivation = java.util.Objects.requireNonNull(activation, "base_activation");
        return o;
    }

    /**
     * @param eps the weight of the uniform grid in grid updates, in [0, 1]
     * @return a copy
     */
    public KanOptions withGridEps(double eps) {
        if (!(eps >= 0 && eps <= 1)) {
            throw new IllegalArgumentException(
                    Checks.field("grid_eps") + " must be in [0, 1], got " + eps);
        }
        KanOptions o = copy();
        o.gridEps = eps;
        return o;
    }

    /**
     * @return G
     */
    public int gridSize() {
        return gridSize;
    }

    /**
     * @return k
     */
    public int splineOrder() {
        return splineOrder;
    }

    /**
     * @return the initial grid's lower end
     */
    public double gridLo() {
        return gridLo;
    }

    /**
     * @return the initial grid's upper end
     */
    public double gridHi() {
        return gridHi;
    }

    /**
     * @return scale_noise
     */
    public double scaleNoise() {
        return scaleNoise;
    }

    /**
     * @return scale_base
     */
    public double scaleBase() {
        return scaleBase;
    }

    /**
     * @return scale_spline
     */
    public double scaleSpline() {
        return scaleSpline;
    }

    /**
     * @return whether edges have a standalone spline scaler
     */
    public boolean standaloneScaler() {
        return standaloneScaler;
    }

    /**
     * @return the base activation
     */
    public BaseActivation baseActivation() {
        return baseActivation;
    }

    /**
     * @return grid_eps
     */
    public double gridEps() {
        return gridEps;
    }

    /**
     * @return G + k, the number of spline coefficients per edge
     */
    public int numBases() {
        return gridSize + splineOrder;
    }

    /**
     * @return G + 2k + 1, the number of knots per input
     */
    public int numKnots() {
        return gridSize + 2 * splineOrder + 1;
    }
}
