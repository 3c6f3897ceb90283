package ai.mlpzoo.blocks.kan;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;

/**
 * KAT's group-rational activation, GR-KAN (Yang and Wang 2024, "Kolmogorov-Arnold Transformer"): y
 * = P(x) / Q(x) element-wise with P(x) = a0 + a1 x + ... + a5 x^5 shared by all channels and Q(x) =
 * 1 + |b1| |x| + |b2| |x|^2 + |b3| |x|^3 + |b4| |x|^4 per group, as KAT's CUDA and Triton kernels
 * compute it (Q >= 1, so no pole). Channel c of C belongs to group c / (C / groups). Parameters
 * {@code weight_numerator} (1, 6) and {@code weight_denominator} (groups, 4), as rational_kat_cu's
 * {@code KAT_Group}.
 *
 * <p>The input is clamped to [-{@value #LIMIT}, {@value #LIMIT}] and both polynomials are then
 * evaluated directly by Horner's rule, as KAT's kernels do. Within the clamp nothing overflows
 * float32 (|x|^5 <= 1e30, and the backward's largest term, 5 a5 x^4, stays near 1e24), so a large
 * input gives a finite value where the kernels' inf / inf would be NaN; beyond it the output holds
 * the value at the clamp (where |b4| > 0 the rational is near its linear asymptote a5 x / |b4|
 * there: the other terms shrink as 1 / x). One branch of about 20 element-wise operations: an
 * earlier form evaluated a second, |x|^4-scaled branch for |x| > 1 and selected between them, about
 * 50 operations whose inputs autograd kept for the backward, which made KAT's training step
 * memory-bound (BENCHMARKS.md).
 *
 * <p>Shapes: (..., C) to the same, C divisible by the number of groups.
 */
public class GroupRational extends AbstractBlock {

    private static final byte VERSION = 1;

    /** The clamp on the input: see the class comment. */
    public static final float LIMIT = 1e6f;

    private final int groups;
    private final RationalInit init;
    private final Parameter numerator;
    private final Parameter denominator;

    /**
     * Creates the activation.
     *
     * @param groups the number of channel groups, at least 1 (KAT: 8)
     * @param init the initial coefficients
     */
    public GroupRational(int groups, RationalInit init) {
        super(VERSION);
        this.groups = Checks.positive(groups, "num_groups");
        this.init = init;
        numerator =
                addParameter(
                        Parameter.builder()
                                .setName("weight_numerator")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(1, 6))
                                .optInitializer(rows(init.numerator(), 1))
                                .build());
        denominator =
                addParameter(
                        Parameter.builder()
                                .setName("weight_denominator")
                                .setType(Parameter.Type.WEIGHT)
                                .optShape(new Shape(groups, 4))
                                .optInitializer(rows(init.denominator(), groups))
                                .build());
    }

    private static Initializer rows(double[] row, int count) {
        return (manager, shape, dataType) -> {
            float[] data = new float[row.length * count];
            for (int r = 0; r < count; r++) {
                for (int j = 0; j < row.length; j++) {
                    data[r * row.length + j] = (float) row[j];
                }
            }
            return manager.create(data, shape).toType(dataType, false);
        };
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head();
        long c = x.getShape().get(x.getShape().dimension() - 1);
        if (x.getShape().dimension() < 1 || c % groups != 0) {
            throw new IllegalArgumentException(
                    "GroupRational: the channel axis ("
                            + c
                            + ") must be divisible by num_groups ("
                            + groups
                            + ")");
        }
        NDArray a =
                Local.copy(ps.getValue(numerator, x.getDevice(), training), x.getManager())
                        .reshape(6); // (6)
        NDArray b =
                Local.copy(ps.getValue(denominator, x.getDevice(), training), x.getManager())
                        .abs(); // (groups, 4)
        NDArray bc = b.repeat(0, c / groups); // (C, 4): row c is group c / (C / groups)
        NDArray xc = x.clip(-LIMIT, LIMIT); // (..., C)
        NDArray p = a.get(5).mul(xc); // (..., C)
        for (int j = 4; j >= 1; j--) {
            p = p.add(a.get(j)).mul(xc);
        }
        p = p.add(a.get(0)); // (..., C): P(x)
        NDArray ax = xc.abs(); // (..., C)
        NDArray q = bc.get(":, 3").mul(ax); // (..., C)
        for (int j = 2; j >= 0; j--) {
            q = q.add(bc.get(":, " + j)).mul(ax);
        }
        return new NDList(p.div(q.add(1f))); // (..., C): P(x) / Q(x)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    /**
     * @return the number of groups
     */
    public int getGroups() {
        return groups;
    }

    /**
     * @return the initial coefficients
     */
    public RationalInit getInit() {
        return init;
    }
}
