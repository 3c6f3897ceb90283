package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.mlpzoo.blocks.common.Scalars;

/**
 * The multi-layer sparse autoencoder (Lawson et al. 2024, "Residual Stream Analysis with
 * Multi-Layer SAEs"; tim-lawson/mlsae's {@code MLSAE}): one TopK SAE shared by the residual streams
 * of every layer of a transformer, each d_model vector of each layer encoded on its own, so that a
 * latent can be followed from layer to layer. Its input is standardised per vector first:
 *
 * <pre>
 * mu = mean_d(x)   sd = std_d(x - mu), unbiased (n - 1)   z = (x - mu) / (sd + 1e-5)
 * latents = ReLU(TopK((z - b_dec) W_enc))              (no encoder bias)
 * output  = (latents W_dec + b_dec) * sd + mu           (no eps on the way back)
 * </pre>
 *
 * <p>The parameters are SAELens-named: W_enc (d_in, d_sae) is the reference's {@code
 * encoder.weight} transposed, W_dec (d_sae, d_in) its {@code decoder.weight} transposed, and b_dec
 * its {@code pre_encoder_bias}. The input of a multi-layer SAE is usually (n_layers, batch, pos,
 * d_in); any leading axes work, since vectors are independent. Only the reference's standardising
 * form is implemented (its default, and the one its published SAEs use).
 */
public class MultiLayerSae extends SparseCoder {

    /**
     * The {@code mlsae} architecture: standardised input, TopK latents, AuxK on dead latents. Its
     * standardisation has no place in SAELens' layout; its own layout is {@code mlpzoo import
     * --format mlsae}.
     */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("mlsae", MultiLayerSae.class)
                    .usesK()
                    .notSaeLens()
                    .rules(MultiLayerSae::rules)
                    .factory((dims, spec) -> new MultiLayerSae(dims, spec.k()))
                    .training(TopKSae::auxKLoss)
                    .build();

    private static final byte VERSION = 1;

    /** The reference's {@code eps} of {@code standardize}. */
    public static final float EPS = 1e-5f;

    private final int k;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes (an autoencoder subtracting b_dec from its standardised input)
     * @param k active latents per vector
     */
    public MultiLayerSae(SaeDims dims, int k) {
        super(VERSION, dims, false);
        if (!dims.applyBDecToInput() || dims.skip()) {
            throw new IllegalArgumentException(
                    "a multi-layer SAE subtracts b_dec (pre_encoder_bias) from its input and has no"
                            + " skip connection");
        }
        if (dims.dIn() < 2) {
            throw new IllegalArgumentException(
                    "a multi-layer SAE standardises with the unbiased std, which needs d_in >= 2, got "
                            + dims.dIn());
        }
        this.k = checkK(k, dims.dSae());
    }

    private static void rules(SaeSpec spec) {
        if (spec.dOut() != null && spec.dOut() != spec.dIn()) {
            throw new IllegalArgumentException(
                    "field 'd_out' of an mlsae must equal d_in (" + spec.dIn() + ")");
        }
        if (!spec.applyBDecToInput()) {
            throw new IllegalArgumentException(
                    "field 'apply_b_dec_to_input' must be true for an mlsae (its pre_encoder_bias)");
        }
        if (spec.dIn() < 2) {
            throw new IllegalArgumentException(
                    "field 'd_in' of an mlsae must be at least 2 (unbiased std), got "
                            + spec.dIn());
        }
    }

    /**
     * @return k
     */
    public int getK() {
        return k;
    }

    @Override
    public String architecture() {
        return "mlsae";
    }

    /**
     * The reference's {@code standardize}: per row, the mean, the unbiased standard deviation of
     * the centred row (without eps) and the standardised row.
     *
     * @param x (N, d_in)
     * @return {@code [z (N, d_in), mean (N, 1), std (N, 1)]}
     */
    public static NDList standardize(NDArray x) {
        long d = x.getShape().get(1);
        NDArray mu = x.mean(new int[] {1}, true); // (N, 1)
        NDArray c = x.sub(mu); // (N, d)
        // unbiased, as torch.std's default: sum of squares over d - 1
        NDArray sd = Scalars.div(c.square().sum(new int[] {1}, true), d - 1).sqrt(); // (N, 1)
        NDArray z = c.div(sd.add(EPS)); // (N, d)
        return new NDList(z, mu, sd);
    }

    /**
     * Encodes the standardised rows; {@link Latents#hiddenPre} is the reference's {@code
     * latents_pre}.
     */
    @Override
    public Latents encode(ParameterStore ps, NDArray x, boolean training) {
        NDArray z = standardize(x).get(0); // (N, d_in)
        NDArray pre = hiddenPre(ps, z, training); // (N, d_sae): (z - b_dec) W_enc
        NDList top = pre.topK(k, 1, true, false); // (N, k) values and indices
        return Latents.sparse(pre, ai.djl.nn.Activation.relu(top.get(0)), top.get(1), dims.dSae());
    }

    /** Decodes in the standardised space, then undoes the standardisation (no eps). */
    @Override
    public NDArray reconstruct(ParameterStore ps, NDArray x, Latents z, boolean training) {
        NDList stats = standardize(x);
        NDArray rec = decodeSparse(ps, z.topValues(), z.topIndices(), training); // (N, d_in)
        return rec.mul(stats.get(2)).add(stats.get(1));
    }

    /**
     * The reference's per-layer fraction of variance unexplained ({@code layerwise_fvu}): for each
     * layer l, {@code mean((recons_l - x_l)^2) / var(x_l)} over all its (batch, pos, d) values, the
     * variance unbiased. Their mean is the reference's {@code mse_loss}.
     *
     * @param x the inputs (n_layers, ...)
     * @param recons the reconstructions, the same shape
     * @return (n_layers)
     */
    public static NDArray layerFvu(NDArray x, NDArray recons) {
        long layers = x.getShape().get(0);
        NDArray xs = x.reshape(layers, -1); // (L, M)
        long n = xs.getShape().get(1);
        NDArray err = recons.reshape(layers, -1).sub(xs).square().mean(new int[] {1}); // (L)
        NDArray centred = xs.sub(xs.mean(new int[] {1}, true)); // (L, M)
        NDArray var = Scalars.div(centred.square().sum(new int[] {1}), n - 1); // (L), unbiased
        return err.div(var);
    }

    /**
     * The reference's auxiliary TopK ({@code MLSAE.encode} and {@code forward}): the
     * pre-activations are multiplied by the dead mask (live latents become 0, not -inf), the top
     * {@code auxk} of each row kept and ReLU'd, and decoded with b_dec, <em>without</em> undoing
     * the standardisation, as the reference does.
     *
     * @param ps the parameter store
     * @param latentsPre the pre-activations (N, d_sae), {@link Latents#hiddenPre}
     * @param dead the dead latents (d_sae)
     * @param auxk the dead latents kept per row, 1 &lt;= auxk &lt;= d_sae
     * @return {@code [auxk_acts (N, d_sae), auxk_recons (N, d_in)]}
     */
    public NDList auxK(ParameterStore ps, NDArray latentsPre, boolean[] dead, int auxk) {
        checkK(auxk, dims.dSae());
        if (dead.length != dims.dSae()) {
            throw new IllegalArgumentException(
                    "the dead mask has " + dead.length + " entries, d_sae is " + dims.dSae());
        }
        NDArray mask =
                latentsPre
                        .getManager()
                        .create(dead)
                        .toType(latentsPre.getDataType(), false); // (d_sae)
        NDArray masked = latentsPre.mul(mask); // (N, d_sae)
        NDList top = masked.topK(auxk, 1, true, false); // (N, auxk)
        NDArray acts =
                latentsPre
                        .zerosLike()
                        .scatter(top.get(1), ai.djl.nn.Activation.relu(top.get(0)), 1);
        return new NDList(acts, decode(ps, acts, false));
    }

    /**
     * The reference's auxiliary loss metric ({@code AuxiliaryLoss}): with {@code e = inputs -
     * recons}, {@code coef * mean((e - auxk_recons)^2) / mean((e - mean_d e)^2)}, a NaN (no error
     * at all) counting as 0.
     *
     * @param inputs the inputs (..., d)
     * @param recons their reconstructions
     * @param auxkRecons the auxiliary reconstructions
     * @param coef the coefficient (the reference's 1/32)
     * @return a scalar
     */
    public static float auxLoss(NDArray inputs, NDArray recons, NDArray auxkRecons, float coef) {
        int last = inputs.getShape().dimension() - 1;
        NDArray e = inputs.sub(recons);
        float num = e.sub(auxkRecons).square().mean().getFloat();
        float den = e.sub(e.mean(new int[] {last}, true)).square().mean().getFloat();
        float v = num / den;
        return Float.isNaN(v) ? 0f : coef * v;
    }

    @Override
    public <T> T encoderGraph(SaeOps<T> ops, T saeIn) {
        // the exporter standardises before and de-standardises after (MultiLayerSae is known to
        // it); between the two the encoder is a TopK one without b_enc
        return ops.relu(ops.keepTopK(hiddenPreGraph(ops, saeIn), k));
    }
}
