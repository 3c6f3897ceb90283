package ai.mlpzoo.blocks.kan;

/**
 * Small dense least squares, min ||A X - Y||^2 + lambda ||X||^2, by Householder QR of the stacked
 * matrix [A; sqrt(lambda) I] in double precision. QR never forms A^T A, so the condition number is
 * not squared; the tiny ridge gives the stacked matrix full column rank, so a basis that no sample
 * touches (rank deficiency, the cause of NaN in efficient-kan#4 and pykan#242) gets a coefficient
 * near 0 instead of a division by zero. Well-posed systems are solved to about 1e-12 relative.
 */
public final class LeastSquares {

    /** sqrt(lambda) relative to the largest column norm of A. */
    static final double RELATIVE_RIDGE = 1e-7;

    /** sqrt(lambda) floor, so that an all-zero A still gives X = 0. */
    static final double ABSOLUTE_RIDGE = 1e-12;

    private LeastSquares() {}

    /**
     * Solves the ridge-regularised problem.
     *
     * @param a the design matrix, rows x cols, row-major a[r][c]
     * @param y the targets, rows x rhs
     * @return X, cols x rhs
     * @throws IllegalArgumentException on ragged or non-finite input
     */
    public static double[][] solve(double[][] a, double[][] y) {
        int rows = a.length;
        if (rows == 0 || y.length != rows) {
            throw new IllegalArgumentException(
                    "least squares needs as many target rows as design rows, got "
                            + rows
                            + " and "
                            + y.length);
        }
        int cols = a[0].length;
        int rhs = y[0].length;
        double maxNorm = 0;
        for (int c = 0; c < cols; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += a[r][c] * a[r][c];
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(s));
        }
        double ridge = RELATIVE_RIDGE * maxNorm + ABSOLUTE_RIDGE;
        int m = rows + cols;
        double[][] q = new double[m][];
        double[][] z = new double[m][];
        for (int r = 0; r < rows; r++) {
            if (a[r].length != cols || y[r].length != rhs) {
                throw new IllegalArgumentException("least squares input is ragged at row " + r);
            }
            q[r] = a[r].clone();
            z[r] = y[r].clone();
            for (double v : q[r]) {
                requireFinite(v, "design matrix");
            }
            for (double v : z[r]) {
                requireFinite(v, "targets");
            }
        }
        for (int c = 0; c < cols; c++) {
            q[rows + c] = new double[cols];
            q[rows + c][c] = ridge;
            z[rows + c] = new double[rhs];
        }
        householder(q, z, cols, rhs);
        return backSubstitute(q, z, cols, rhs);
    }

    /** Reduces q to upper triangular form in place, applying the same reflections to z. */
    private static void householder(double[][] q, double[][] z, int cols, int rhs) {
        int m = q.length;
        double[] v = new double[m];
        for (int c = 0; c < cols; c++) {
            double norm = 0;
            for (int r = c; r < m; r++) {
                norm = Math.hypot(norm, q[r][c]);
            }
            if (norm == 0) {
                continue;
            }
            double alpha = q[c][c] > 0 ? -norm : norm;
            double vv = 0;
            for (int r = c; r < m; r++) {
                v[r] = q[r][c] - (r == c ? alpha : 0);
                vv += v[r] * v[r];
            }
            if (vv == 0) {
                continue;
            }
            for (int j = c; j < cols; j++) {
                double dot = 0;
                for (int r = c; r < m; r++) {
                    dot += v[r] * q[r][j];
                }
                double f = 2 * dot / vv;
                for (int r = c; r < m; r++) {
                    q[r][j] -= f * v[r];
                }
            }
            for (int j = 0; j < rhs; j++) {
                double dot = 0;
                for (int r = c; r < m; r++) {
                    dot += v[r] * z[r][j];
                }
                double f = 2 * dot / vv;
                for (int r = c; r < m; r++) {
                    z[r][j] -= f * v[r];
                }
            }
        }
    }

    private static double[][] backSubstitute(double[][] r, double[][] z, int cols, int rhs) {
        double[][] x = new double[cols][rhs];
        for (int j = 0; j < rhs; j++) {
            for (int c = cols - 1; c >= 0; c--) {
                double s = z[c][j];
                for (int k = c + 1; k < cols; k++) {
                    s -= r[c][k] * x[k][j];
                }
                // the ridge rows keep |r[c][c]| >= ridge > 0
                x[c][j] = r[c][c] == 0 ? 0 : s / r[c][c];
            }
        }
        return x;
    }

    private static void requireFinite(double v, String what) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(
                    "least squares " + what + " contains NaN or infinite values");
        }
    }
}
