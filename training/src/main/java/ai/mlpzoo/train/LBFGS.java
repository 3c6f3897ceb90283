package ai.mlpzoo.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Full-batch L-BFGS (Nocedal 1980; Liu and Nocedal 1989) for any DJL block: the two-loop recursion
 * over the last m curvature pairs, with a strong-Wolfe line search (Nocedal and Wright, Algorithms
 * 3.5 and 3.6, cubic interpolation). This is what pykan fits small KANs with (PyTorch's LBFGS,
 * history 10, strong Wolfe). The search direction and history are kept in double precision in Java;
 * each evaluation writes the parameters, runs the objective inside a gradient collector and reads
 * the gradients back, all temporaries in a per-evaluation manager.
 */
public final class LBFGS {

    /** The loss to minimise, recomputed from the current parameters. */
    @FunctionalInterface
    public interface Objective {
        /**
         * Computes the scalar loss in a training forward pass.
         *
         * @param ps a parameter store whose manager owns this evaluation's temporaries
         * @return the loss, any shape with one element
         */
        NDArray loss(ParameterStore ps);
    }

    /** The outcome of {@link #minimize}. */
    public static final class Result {
        /** The final loss. */
        public final double loss;

        /** Iterations done. */
        public final int iterations;

        /** Objective evaluations done. */
        public final int evaluations;

        /** Why it stopped. */
        public final String reason;

        Result(double loss, int iterations, int evaluations, String reason) {
            this.loss = loss;
            this.iterations = iterations;
            this.evaluations = evaluations;
            this.reason = reason;
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "loss %.4g after %d iterations, %d evaluations (%s)",
                    loss,
                    iterations,
                    evaluations,
                    reason);
        }
    }

    private static final double C1 = 1e-4;
    private static final double C2 = 0.9;
    private static final int MAX_LINE_SEARCH = 25;

    private final int history;
    private final int maxIterations;
    private final double gradTolerance;
    private final double changeTolerance;

    private final List<Parameter> params = new ArrayList<>();
    private final int[] sizes;
    private final int dim;
    private NDManager manager;
    private NDList data;
    private Objective objective;
    private int evaluations;

    /**
     * Creates the optimiser for the trainable parameters of a block.
     *
     * @param block an initialised block; frozen parameters (a KAN's grid) are left alone
     * @param history the number of curvature pairs kept (pykan: 10)
     * @param maxIterations the iteration budget
     * @param gradTolerance stop when max |gradient| falls below this
     * @param changeTolerance stop when the loss or the step changes less than this
     */
    public LBFGS(
            Block block,
            int history,
            int maxIterations,
            double gradTolerance,
            double changeTolerance) {
        if (history < 1 || maxIterations < 1) {
            throw new IllegalArgumentException("history and maxIterations must be positive");
        }
        this.history = history;
        this.maxIterations = maxIterations;
        this.gradTolerance = gradTolerance;
        this.changeTolerance = changeTolerance;
        for (Parameter p : block.getParameters().values()) {
            if (p.requiresGradient()) {
                if (!p.isInitialized()) {
                    throw new IllegalStateException(
                            "parameter " + p.getName() + " is not initialised");
                }
                params.add(p);
            }
        }
        sizes = new int[params.size()];
        int n = 0;
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = Math.toIntExact(params.get(i).getArray().size());
            n += sizes[i];
        }
        dim = n;
    }

    /**
     * @return the number of trained scalars
     */
    public int dimension() {
        return dim;
    }

    /**
     * Minimises the objective from the parameters' current values, which hold the best point found
     * on return.
     *
     * @param manager the parent of the per-evaluation managers
     * @param data arrays the objective reads (temporarily owned by each evaluation's manager)
     * @param objective the loss
     * @return what happened
     */
    public Result minimize(NDManager manager, NDList data, Objective objective) {
        this.manager = manager;
        this.data = data;
        this.objective = objective;
        evaluations = 0;
        double[] x = read();
        double[] g = new double[dim];
        double f = evaluate(x, g);
        if (!Double.isFinite(f)) {
            throw new IllegalStateException("L-BFGS: the loss at the starting point is " + f);
        }
        Deque<double[][]> pairs = new ArrayDeque<>(); // {s, y, {rho}}
        String reason = "iteration budget spent";
        int iter = 0;
        while (iter < maxIterations) {
            if (maxAbs(g) <= gradTolerance) {
                reason = "gradient below tolerance";
                break;
            }
            iter++;
            double[] d = direction(g, pairs);
            double gtd = dot(g, d);
            if (!(gtd < 0)) {
                pairs.clear(); // lost curvature information: restart from steepest descent
                d = scale(g, -1);
                gtd = dot(g, d);
            }
            double t0 = pairs.isEmpty() ? Math.min(1, 1 / sumAbs(g)) : 1;
            double[] gNew = new double[dim];
            double[] tf = strongWolfe(x, f, g, d, gtd, t0, gNew);
            double t = tf[0];
            double fNew = tf[1];
            if (!(fNew <= f)) {
                write(x); // keep the best point
                reason = "line search made no progress";
                break;
            }
            double[] s = scale(d, t);
            double[] y = new double[dim];
            for (int i = 0; i < dim; i++) {
                x[i] += s[i];
                y[i] = gNew[i] - g[i];
            }
            double ys = dot(y, s);
            if (ys > 1e-10) {
                if (pairs.size() == history) {
                    pairs.removeFirst();
                }
                pairs.addLast(new double[][] {s, y, {1 / ys}});
            }
            double change = Math.abs(fNew - f);
            f = fNew;
            g = gNew;
            if (change < changeTolerance || maxAbs(s) < changeTolerance) {
                reason = "change below tolerance";
                break;
            }
        }
        write(x);
        return new Result(f, iter, evaluations, reason);
    }

    /** The two-loop recursion: -H g with H0 = (s.y / y.y) I from the newest pair. */
    private double[] direction(double[] g, Deque<double[][]> pairs) {
        double[] q = g.clone();
        if (pairs.isEmpty()) {
            return scale(q, -1);
        }
        double[] alpha = new double[pairs.size()];
        int i = pairs.size();
        var back = pairs.descendingIterator();
        while (back.hasNext()) {
            double[][] p = back.next();
            alpha[--i] = p[2][0] * dot(p[0], q);
            axpy(-alpha[i], p[1], q);
        }
        double[][] newest = pairs.peekLast();
        double gamma = dot(newest[0], newest[1]) / dot(newest[1], newest[1]);
        double[] r = scale(q, gamma);
        i = 0;
        for (double[][] p : pairs) {
            double beta = p[2][0] * dot(p[1], r);
            axpy(alpha[i++] - beta, p[0], r);
        }
        return scale(r, -1);
    }

    /**
     * Strong-Wolfe line search along d from x.
     *
     * @return {t, f(x + t d)}; gOut receives the gradient there
     */
    private double[] strongWolfe(
            double[] x, double f0, double[] g0, double[] d, double gtd0, double t, double[] gOut) {
        double tPrev = 0;
        double fPrev = f0;
        double gtdPrev = gtd0;
        double[] gPrev = g0.clone();
        double[] g = new double[dim];
        for (int i = 0; i < MAX_LINE_SEARCH; i++) {
            double f = evaluate(step(x, d, t), g);
            double gtd = dot(g, d);
            if (!Double.isFinite(f) || f > f0 + C1 * t * gtd0 || (i > 0 && f >= fPrev)) {
                return zoom(x, f0, gtd0, d, tPrev, fPrev, gtdPrev, gPrev, t, f, gtd, gOut);
            }
            if (Math.abs(gtd) <= -C2 * gtd0) {
                System.arraycopy(g, 0, gOut, 0, dim);
                return new double[] {t, f};
            }
            if (gtd >= 0) {
                return zoom(x, f0, gtd0, d, t, f, gtd, g.clone(), tPrev, fPrev, gtdPrev, gOut);
            }
            double next =
                    cubicMin(tPrev, fPrev, gtdPrev, t, f, gtd, t + 0.01 * (t - tPrev), 10 * t);
            tPrev = t;
            fPrev = f;
            gtdPrev = gtd;
            gPrev = g.clone();
            t = next;
        }
        System.arraycopy(g, 0, gOut, 0, dim);
        return new double[] {t, evaluate(step(x, d, t), gOut)};
    }

    /**
     * Narrows [lo, hi] (lo has the lower loss) until a point satisfies the strong Wolfe conditions.
     */
    private double[] zoom(
            double[] x,
            double f0,
            double gtd0,
            double[] d,
            double lo,
            double fLo,
            double gtdLo,
            double[] gLo,
            double hi,
            double fHi,
            double gtdHi,
            double[] gOut) {
        double[] g = new double[dim];
        double dMax = maxAbs(d);
        for (int j = 0; j < MAX_LINE_SEARCH; j++) {
            double a = Math.min(lo, hi);
            double b = Math.max(lo, hi);
            double t =
                    Double.isFinite(fHi)
                            ? cubicMin(lo, fLo, gtdLo, hi, fHi, gtdHi, a, b)
                            : (a + b) / 2;
            if (Math.min(t - a, b - t) < 0.1 * (b - a)) {
                t = (a + b) / 2; // too close to an end: bisect for guaranteed progress
            }
            double f = evaluate(step(x, d, t), g);
            double gtd = dot(g, d);
            if (!Double.isFinite(f) || f > f0 + C1 * t * gtd0 || f >= fLo) {
                hi = t;
                fHi = f;
                gtdHi = gtd;
            } else {
                if (Math.abs(gtd) <= -C2 * gtd0) {
                    System.arraycopy(g, 0, gOut, 0, dim);
                    return new double[] {t, f};
                }
                if (gtd * (hi - lo) >= 0) {
                    hi = lo;
                    fHi = fLo;
                    gtdHi = gtdLo;
                }
                lo = t;
                fLo = f;
                gtdLo = gtd;
                gLo = g.clone();
            }
            if (Math.abs(hi - lo) * dMax < changeTolerance) {
                break;
            }
        }
        System.arraycopy(gLo, 0, gOut, 0, dim);
        return new double[] {lo, fLo};
    }

    /** The minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to [lo, hi]. */
    static double cubicMin(
            double x1,
            double f1,
            double g1,
            double x2,
            double f2,
            double g2,
            double lo,
            double hi) {
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double d2sq = d1 * d1 - g1 * g2;
        if (d2sq >= 0 && x1 != x2) {
            double d2 = Math.sqrt(d2sq);
            double pos =
                    x1 <= x2
                            ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                            : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
            if (Double.isFinite(pos)) {
                return Math.min(Math.max(pos, lo), hi);
            }
        }
        return (lo + hi) / 2;
    }

    /** Sets the parameters to x, runs the objective and backward pass; g receives the gradient. */
    private double evaluate(double[] x, double[] g) {
        evaluations++;
        write(x);
        try (NDManager scope = manager.newSubManager()) {
            NDList owned = new NDList();
            for (Parameter p : params) {
                owned.add(p.getArray());
            }
            owned.addAll(data);
            scope.tempAttachAll(owned); // every op result (and gradient handle) is now the scope's
            for (NDArray arr : owned.subNDList(0, params.size())) {
                if (arr.hasGradient()) {
                    NDArray grad = arr.getGradient();
                    grad.subi(grad); // PyTorch accumulates gradients: clear the last evaluation's
                }
            }
            double f;
            try (GradientCollector gc = manager.getEngine().newGradientCollector()) {
                NDArray loss = objective.loss(new ParameterStore(scope, false));
                gc.backward(loss);
                f = loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).toDoubleArray()[0];
            }
            int off = 0;
            for (int i = 0; i < params.size(); i++) {
                float[] gi =
                        params.get(i)
                                .getArray()
                                .getGradient()
                                .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                                .toFloatArray();
                for (int j = 0; j < gi.length; j++) {
                    g[off + j] = gi[j];
                }
                off += sizes[i];
            }
            return f;
        }
    }

    private double[] read() {
        double[] x = new double[dim];
        int off = 0;
        for (int i = 0; i < params.size(); i++) {
            float[] v =
                    params.get(i)
                            .getArray()
                            .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .toFloatArray();
            for (int j = 0; j < v.length; j++) {
                x[off + j] = v[j];
            }
            off += sizes[i];
        }
        return x;
    }

    private void write(double[] x) {
        int off = 0;
        for (int i = 0; i < params.size(); i++) {
            NDArray dst = params.get(i).getArray();
            float[] v = new float[sizes[i]];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) x[off + j];
            }
            off += sizes[i];
            try (NDArray src = manager.create(v, dst.getShape())) {
                src.toType(dst.getDataType(), false).copyTo(dst);
            }
        }
    }

    private double[] step(double[] x, double[] d, double t) {
        double[] r = x.clone();
        axpy(t, d, r);
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double[] scale(double[] v, double a) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = a * v[i];
        }
        return r;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double e : v) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    private static double sumAbs(double[] v) {
        double s = 0;
        for (double e : v) {
            s += Math.abs(e);
        }
        return s;
    }
}
