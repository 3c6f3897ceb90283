package ai.mlpzoo.blocks.kan;

import java.util.Locale;

/**
 * KAT's initial rational coefficients (rational_kat_cu {@code init.json}): P of order 5 and Q of
 * order 4 fitted on [-3, 3] to the named activation, so that a fresh GR-KAN starts as a known
 * function. Identity is exact; swish matches SiLU to about 1e-6 on [-3, 3] with the kernels'
 * denominator 1 + sum |b_j| |x|^j. KAT's gelu coefficients were fitted for the other denominator
 * form, 1 + |sum b_j x^j| (about 3e-3 from GELU there), and are off by up to 1.5 on [-3, 3] under
 * the kernels' form that KAT actually trains with (and that the fixture reproduces); they are kept
 * as KAT ships them, for parity.
 */
public enum RationalInit {
    /** P(x) = x, Q = 1. */
    IDENTITY(new double[] {0, 1, 0, 0, 0, 0}, new double[] {0, 0, 0, 0}),
    /** Fit of exact GELU. */
    GELU(
            new double[] {-0.00153969, 0.51692871, 0.44075827, 0.0972553, -0.00884418, -0.00378675},
            new double[] {-0.14171056, -0.06481231, -0.0444695, 0.01283776}),
    /** Fit of swish / SiLU. */
    SWISH(
            new double[] {
                3.054879741161051e-07,
                0.5000007853744493,
                0.24999783422824703,
                0.05326628273219478,
                0.005803034571292244,
                0.0002751961022402342
            },
            new double[] {
                -4.111554955950634e-06,
                0.10652899335007572,
                -1.2690007399796238e-06,
                0.0005502331264140556
            });

    private final double[] numerator;
    private final double[] denominator;

    RationalInit(double[] numerator, double[] denominator) {
        this.numerator = numerator;
        this.denominator = denominator;
    }

    /**
     * @return a0..a5, a copy
     */
    public double[] numerator() {
        return numerator.clone();
    }

    /**
     * @return b1..b4, a copy
     */
    public double[] denominator() {
        return denominator.clone();
    }

    /**
     * Parses a KAT mode name.
     *
     * @param mode identity, gelu or swish
     * @return the init
     */
    public static RationalInit parse(String mode) {
        String m = mode == null ? "" : mode.trim().toUpperCase(Locale.ROOT);
        for (RationalInit r : values()) {
            if (r.name().equals(m)) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "unknown rational init mode '" + mode + "'; known: identity, gelu, swish");
    }

    /**
     * @return the config name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
