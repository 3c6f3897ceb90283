package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.function.ToDoubleFunction;

/**
 * What one training step hands to an architecture's {@link SaeTrainingTerm}: the batch, the latents
 * and reconstruction of the forward pass, the dead-latent mask and the loss coefficients of this
 * step (warm-ups applied), by name as in SAELens' {@code TrainStepInput.coefficients}. Every array
 * a term creates belongs in {@link #manager()} (ops on a parameter's array would otherwise land in
 * the parameter's manager).
 */
public final class SaeTrainingStep {

    private final SparseCoder block;
    private final ParameterStore ps;
    private final NDArray x;
    private final NDArray y;
    private final Latents z;
    private final NDArray yHat;
    private final boolean[] dead;
    private final int kAux;
    private final NDManager manager;
    private final ToDoubleFunction<String> coefficients;

    /**
     * Creates the step's view.
     *
     * @param block the block being trained
     * @param ps the parameter store of the step
     * @param x inputs (N, d_in)
     * @param y targets (N, d_out)
     * @param z the latents of x, in training form
     * @param yHat the reconstruction (N, d_out)
     * @param dead the dead-latent mask (d_sae)
     * @param kAux dead latents used by AuxK, or -1 for d_out / 2
     * @param manager the step's manager
     * @param coefficients a coefficient's value at this step by name; throws for an unknown name
     */
    public SaeTrainingStep(
            SparseCoder block,
            ParameterStore ps,
            NDArray x,
            NDArray y,
            Latents z,
            NDArray yHat,
            boolean[] dead,
            int kAux,
            NDManager manager,
            ToDoubleFunction<String> coefficients) {
        this.block = block;
        this.ps = ps;
        this.x = x;
        this.y = y;
        this.z = z;
        this.yHat = yHat;
        this.dead = dead;
        this.kAux = kAux;
        this.manager = manager;
        this.coefficients = coefficients;
    }

    /**
     * @return the block being trained
     */
    public SparseCoder block() {
        return block;
    }

    /**
     * @return the step's parameter store
     */
    public ParameterStore ps() {
        return ps;
    }

    /**
     * @return the inputs (N, d_in)
     */
    public NDArray x() {
        return x;
    }

    /**
     * @return the targets (N, d_out): x for an autoencoder
     */
    public NDArray y() {
        return y;
    }

    /**
     * @return the latents of the inputs, in training form
     */
    public Latents z() {
        return z;
    }

    /**
     * @return the reconstruction (N, d_out)
     */
    public NDArray yHat() {
        return yHat;
    }

    /**
     * @return which latents are dead (d_sae), read only
     */
    public boolean[] dead() {
        return dead;
    }

    /**
     * @return dead latents used by AuxK, or -1 for d_out / 2
     */
    public int kAux() {
        return kAux;
    }

    /**
     * @return the step's manager, owner of every array a term creates
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The value of a loss coefficient at this step, after its warm-up.
     *
     * @param name the coefficient's name, such as {@link SaeTerms#L1}
     * @return its value
     * @throws IllegalArgumentException when the training configuration has no such coefficient
     */
    public float coefficient(String name) {
        return (float) coefficients.applyAsDouble(name);
    }

    /**
     * A parameter's value in the step, with gradient.
     *
     * @param p the parameter
     * @return its array
     */
    public NDArray value(Parameter p) {
        return ps.getValue(p, x.getDevice(), true);
    }
}
