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
 * <p>For |x| > 1 both polynomials are divided by |x|^4 before evaluation, so that a large input
 * gives the finite asymptote instead of inf / inf = NaN; each branch sees a clamped input, so the
 * unused one cannot poison gradients either.
 *
 * <p>Shapes: (..., C) to the same, C divisible by the number of groups.
 */
public class GroupRational extends AbstractBlock {

    private static final byte VERSION = 1;

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
        NDArray small = x.clip(-1, 1); // exact where |x| <= 1
        NDArray sign = x.sign();
        NDArray r = x.abs().maximum(1f).pow(-1f); // 1 / |x| where |x| > 1, else 1
        NDArray inner = ratioSmall(small, a, bc);
        NDArray outer = ratioLarge(sign, r, a, bc);
        NDArray y = ai.djl.ndarray.NDArrays.where(x.abs().lte(1f), inner, outer);
        return new NDList(y);
    }

    /** P(x) / Q(x) by Horner for |x| <= 1. */
    private static NDArray ratioSmall(NDArray x, NDArray a, NDArray b) {
        NDArray p = a.get(5).mul(x);
        for (int j = 4; j >= 1; j--) {
            p = p.add(a.get(j)).mul(x);
        }
        p = p.add(a.get(0));
        NDArray ax = x.abs();
        NDArray q = b.get(":, 3").mul(ax);
        for (int j = 2; j >= 0; j--) {
            q = q.add(b.get(":, " + j)).mul(ax);
        }
        return p.div(q.add(1f));
    }

    /**
     * (P(x) / |x|^4) / (Q(x) / |x|^4) with r = 1 / |x| <= 1: P / |x|^4 = a5 s^5 / r + a4 + a3 s^3 r
     * + a2 r^2 + a1 s r^3 + a0 r^4 and Q / |x|^4 = |b4| + |b3| r + |b2| r^2 + |b1| r^3 + r^4, where
     * s = sign(x) (s^2 = 1, s^4 = 1).
     */
    private static NDArray ratioLarge(NDArray s, NDArray r, NDArray a, NDArray b) {
        NDArray low = a.get(0).mul(r).add(a.get(1).mul(s)).mul(r).add(a.get(2)).mul(r);
        NDArray p = low.add(a.get(3).mul(s)).mul(r).add(a.get(4)).add(a.get(5).mul(s).div(r));
        NDArray q =
                r.add(b.get(":, 0"))
                        .mul(r)
                        .add(b.get(":, 1"))
                        .mul(r)
                        .add(b.get(":, 2"))
                        .mul(r)
                        .add(b.get(":, 3"));
        return p.div(q);
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
