package ai.mlpzoo.blocks.sae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.mlpzoo.blocks.common.Scalars;
import java.util.List;

/**
 * The Matryoshka BatchTopK sparse autoencoder (Bussmann et al. 2025, "Learning Multi-Level Features
 * with Matryoshka Sparse Autoencoders"; dictionary_learning's {@code MatryoshkaBatchTopKSAE},
 * SAELens' {@code matryoshka_batchtopk}): a BatchTopK SAE whose dictionary is split into nested
 * groups, latents {@code [0, m_1)}, {@code [0, m_2)}, ..., and trained so that every prefix
 * reconstructs the input on its own. The early latents thus learn general features and the later
 * ones refine them, instead of absorbing them.
 *
 * <p>Encoding, decoding and inference are the BatchTopK SAE's (at inference a JumpReLU SAE with one
 * global threshold, which is how SAELens saves it: {@code architecture: jumprelu}); only the
 * training loss differs. The trainer's reconstruction loss is the full dictionary's, and this
 * architecture's term adds the loss of every inner prefix with weight 1, as SAELens' {@code
 * MatryoshkaBatchTopKTrainingSAE} does, plus AuxK on dead latents. dictionary_learning's variant of
 * the update (the mean of weighted group terms, its own threshold and AuxK) is {@code
 * ai.mlpzoo.sae.training.MatryoshkaTrainer}.
 */
public class MatryoshkaBatchTopKSae extends BatchTopKSae {

    /**
     * The {@code matryoshka_batchtopk} architecture: BatchTopK latents, nested prefix groups each
     * reconstructing on its own while training; saved to SAELens as {@code jumprelu}.
     */
    public static final SaeArchitecture ARCHITECTURE =
            SaeArchitecture.builder("matryoshka_batchtopk", MatryoshkaBatchTopKSae.class)
                    .usesK()
                    .savedInSaeLensAs("jumprelu")
                    .rules(spec -> checkGroupSizes(spec.groupSizes(), spec.dSae()))
                    .factory(
                            (dims, spec) ->
                                    new MatryoshkaBatchTopKSae(dims, spec.k(), groupsOrWhole(spec)))
                    .training(MatryoshkaBatchTopKSae::prefixLosses)
                    .build();

    private final int[] groupSizes;

    /**
     * Creates the SAE.
     *
     * @param dims the sizes
     * @param k the mean number of active latents per row
     * @param groupSizes the sizes of the nested groups in order, summing to d_sae
     * @throws IllegalArgumentException naming {@code group_sizes} when they do not sum to d_sae or
     *     one is not positive
     */
    public MatryoshkaBatchTopKSae(SaeDims dims, int k, List<Integer> groupSizes) {
        super(dims, k);
        checkGroupSizes(groupSizes, dims.dSae());
        this.groupSizes = groupSizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<Integer> groupsOrWhole(SaeSpec spec) {
        // without groups the dictionary is one group: a BatchTopK SAE
        return spec.groupSizes() == null ? List.of(spec.dSae()) : spec.groupSizes();
    }

    /**
     * Fails unless the group sizes are positive and sum to the dictionary size.
     *
     * @param groupSizes the sizes, or null (one group)
     * @param dSae the dictionary size
     * @throws IllegalArgumentException naming the field {@code group_sizes}
     */
    public static void checkGroupSizes(List<Integer> groupSizes, int dSae) {
        if (groupSizes == null) {
            return;
        }
        if (groupSizes.isEmpty()) {
            throw new IllegalArgumentException(
                    "field 'group_sizes' is empty; give at least one group (the last one ends at d_sae = "
                            + dSae
                            + ")");
        }
        long sum = 0;
        for (Integer g : groupSizes) {
            if (g == null || g <= 0) {
                throw new IllegalArgumentException(
                        "field 'group_sizes' " + groupSizes + " must hold positive sizes");
            }
            sum += g;
        }
        if (sum != dSae) {
            throw new IllegalArgumentException(
                    "field 'group_sizes' "
                            + groupSizes
                            + " sums to "
                            + sum
                            + " but d_sae is "
                            + dSae
                            + "; the groups must split the whole dictionary");
        }
    }

    /**
     * @return a copy of the group sizes
     */
    public int[] getGroupSizes() {
        return groupSizes.clone();
    }

    /**
     * The prefix widths at which groups end (SAELens' {@code matryoshka_widths}): the cumulative
     * group sizes, the last being d_sae.
     *
     * @return the widths
     */
    public int[] widths() {
        int[] w = new int[groupSizes.length];
        int s = 0;
        for (int i = 0; i < w.length; i++) {
            s += groupSizes[i];
            w[i] = s;
        }
        return w;
    }

    @Override
    public String architecture() {
        return "matryoshka_batchtopk";
    }

    /**
     * The reconstruction of each prefix of the latents, {@code z[:, :m] W_dec[:m] + b_dec} for
     * every group boundary m in order (the last one is the full reconstruction).
     *
     * @param wDec W_dec (d_sae, d_out), as the step sees it
     * @param bDec b_dec (d_out)
     * @param z the dense latents (N, d_sae)
     * @return one (N, d_out) array per group
     */
    public NDArray[] prefixReconstructions(NDArray wDec, NDArray bDec, NDArray z) {
        NDArray[] out = new NDArray[groupSizes.length];
        NDArray rec = null; // (N, d_out), summed group by group
        int start = 0;
        for (int i = 0; i < groupSizes.length; i++) {
            int end = start + groupSizes[i];
            NDIndex cols = new NDIndex(":, {}:{}", start, end);
            NDArray rows = wDec.get(new NDIndex("{}:{}", start, end)); // (size, d_out)
            rows.attach(z.getManager()); // a slice of a parameter: owned by the batch, not by it
            NDArray part = z.get(cols).matMul(rows); // (N, d_out)
            rec = rec == null ? part.add(bDec) : rec.add(part);
            out[i] = rec;
            start = end;
        }
        return out;
    }

    /**
     * The Matryoshka training term as SAELens' {@code MatryoshkaBatchTopKTrainingSAE} states it:
     * the reconstruction loss of every inner prefix (all group boundaries but the last, whose loss
     * the trainer already counts), added with weight 1, plus {@link #saeLensAuxK} times {@code
     * auxk}.
     *
     * @param step the step
     * @return the term
     */
    public static NDArray prefixLosses(SaeTrainingStep step) {
        MatryoshkaBatchTopKSae sae = (MatryoshkaBatchTopKSae) step.block();
        NDArray aux = Scalars.mul(saeLensAuxK(step), step.coefficient(SaeTerms.AUXK));
        if (sae.groupSizes.length == 1) {
            return aux;
        }
        NDArray[] recs =
                sae.prefixReconstructions(
                        step.value(sae.getWDec()), step.value(sae.getBDec()), step.z().dense());
        NDArray total = aux;
        for (int i = 0; i < recs.length - 1; i++) {
            total = total.add(SaeTerms.rowSquaredError(recs[i], step.y()));
        }
        return total;
    }

    /**
     * SAELens' AuxK of the TopK-family training SAEs, without its coefficient: the top k_aux
     * <em>pre-activations</em> of the dead latents (not ReLU'd) are decoded <em>with</em> b_dec and
     * fitted to the residual {@code y - output}, scaled by {@code min(n_dead / k_aux, 1)}; k_aux is
     * d_in / 2 unless the step sets it. Zero when no latent is dead.
     *
     * @param step the step
     * @return a scalar
     */
    public static NDArray saeLensAuxK(SaeTrainingStep step) {
        NDManager m = step.manager();
        boolean[] dead = step.dead();
        int numDead = 0;
        for (boolean d : dead) {
            numDead += d ? 1 : 0;
        }
        if (numDead == 0) {
            return m.create(0f);
        }
        NDArray pre = step.z().hiddenPre(); // (N, d_sae)
        int kAuxDefault =
                step.kAux() > 0 ? step.kAux() : Math.max(1, (int) (step.x().getShape().get(1) / 2));
        float scale = Math.min(numDead / (float) kAuxDefault, 1f);
        int kAux = Math.min(kAuxDefault, numDead);
        NDArray deadMask = m.create(dead).toType(DataType.FLOAT32, false); // (d_sae)
        // live latents pushed far below any pre-activation, so that top-k picks dead ones only
        NDArray masked = pre.add(Scalars.mul(deadMask.sub(1f), 1e30f)); // (N, d_sae)
        NDList top = masked.topK(kAux, 1, true, false); // (N, k_aux) values and indices
        NDArray auxActs = m.zeros(pre.getShape()).scatter(top.get(1), top.get(0), 1);
        SparseCoder sae = step.block();
        NDArray recons = auxActs.matMul(step.value(sae.getWDec())).add(step.value(sae.getBDec()));
        NDArray residual = step.y().sub(step.yHat()).stopGradient(); // (N, d_out)
        return Scalars.mul(SaeTerms.rowSquaredError(recons, residual), scale);
    }
}
