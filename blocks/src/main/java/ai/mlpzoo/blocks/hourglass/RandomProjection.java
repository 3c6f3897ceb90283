package ai.mlpzoo.blocks.hourglass;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import ai.mlpzoo.blocks.common.Checks;
import ai.mlpzoo.blocks.common.StepLocal;
import java.util.Random;

/**
 * The input projection W_in of the Hourglass MLP (Chen et al. 2025, arXiv:2510.01796, section 2):
 * {@code z_0 = x W_in^T}, lifting the d_x input features to the d_z-wide latent the skip
 * connections live in. The paper proposes that W_in "can remain fixed at random initialization
 * throughout training"; here it does when {@code trainable} is false.
 *
 * <p>The one parameter, {@code weight} (d_z, d_x), has no bias. Fixed, it is a frozen parameter
 * ({@link Parameter.Type#OTHER}, no gradient): the optimiser never sees it, and it is saved with
 * the weights, so a reloaded model computes the same projection. Its values are drawn from the
 * {@code seed} with {@link Random} in Java, not from the engine's generator, so a given seed gives
 * the same matrix on every engine and machine: N(0, 1/d_x) entries (the paper does not state the
 * distribution; this scale keeps each latent coordinate at the variance of an input feature, as a
 * LeCun-normal layer would). Trainable (the paper's learned-projection ablation), it is an ordinary
 * weight with the same initialisation.
 *
 * <p>Shapes: (batch, d_x) to (batch, d_z).
 */
public class RandomProjection extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int dx;
    private final int dz;
    private final long seed;
    private final boolean trainable;
    private final Parameter weight;

    /**
     * Creates the projection.
     *
     * @param dx the input width (the paper's d_x)
     * @param dz the latent width (the paper's d_z)
     * @param seed the seed of the random matrix
     * @param trainable false for the paper's fixed projection, true for a learned one
     */
    public RandomProjection(int dx, int dz, long seed, boolean trainable) {
        super(VERSION);
        this.dx = Checks.positive(dx, "d_x");
        this.dz = Checks.positive(dz, "d_z");
        this.seed = seed;
        this.trainable = trainable;
        weight =
                addParameter(
                        Parameter.builder()
                                .setName("weight")
                                .setType(trainable ? Parameter.Type.WEIGHT : Parameter.Type.OTHER)
                                .optRequiresGrad(trainable)
                                .optShape(new Shape(dz, dx))
                                .optInitializer(gaussian(dx, seed))
                                .build());
    }

    /** N(0, 1/d_x) entries from a Java {@link Random} of the seed, row-major (d_z, d_x). */
    private static Initializer gaussian(int dx, long seed) {
        return (manager, shape, type) -> {
            Random r = new Random(seed);
            double std = 1.0 / Math.sqrt(dx);
            float[] v = new float[Math.toIntExact(shape.size())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * std);
            }
            return manager.create(v, shape).toType(type, false);
        };
    }

    /**
     * @return the input width d_x
     */
    public int dx() {
        return dx;
    }

    /**
     * @return the latent width d_z
     */
    public int dz() {
        return dz;
    }

    /**
     * @return the seed of the random matrix
     */
    public long seed() {
        return seed;
    }

    /**
     * @return whether the projection is trained (false: the paper's fixed projection)
     */
    public boolean isTrainable() {
        return trainable;
    }

    /**
     * @return the (d_z, d_x) matrix parameter
     */
    public Parameter weight() {
        return weight;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.head(); // (B, d_x)
        NDArray w = ps.getValue(weight, x.getDevice(), training); // (d_z, d_x)
        return new NDList(x.matMul(StepLocal.view(w, x, NDArray::transpose))); // (B, d_z)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), dz)};
    }
}
